package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.nn.Graph;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.OperatorSetIdProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.onnx.proto.Onnx.TensorShapeProto;
import dev.whittle.onnx.proto.Onnx.TypeProto;
import dev.whittle.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Loads and validates an ONNX graph before its nodes are translated: the operator set, the
 * initializers, the one input and its per-sample shape, the one output, and a topological order
 * of the nodes.
 */
final class GraphLoader {
  /** The graph's output and the order in which to translate its nodes. */
  record Plan(String output, List<Integer> order) {}

  private final ImportContext ctx;

  GraphLoader(ImportContext ctx) {
    this.ctx = ctx;
  }

  /** Checks the graph and fills the context with its initializers and input. */
  Plan load() {
    ctx.opset = opset();
    Limits.checkGraph(ctx.file, ctx.graph.getNodeCount());
    if (ctx.graph.getSparseInitializerCount() > 0) {
      throw new InputException(ctx.file + ": the graph has sparse initializers, which Whittle does"
          + " not read");
    }
    Set<String> inits = new HashSet<>();
    for (TensorProto t : ctx.graph.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new InputException(ctx.file + ": an initializer has no name");
      }
      if (!inits.add(t.getName())) {
        throw new InputException(ctx.file + ": initializer '" + t.getName() + "' appears twice");
      }
    }
    String inputName = input(inits);
    for (TensorProto t : ctx.graph.getInitializerList()) {
      ctx.values.put(t.getName(), ctx.tensors.read(t, "initializer '" + t.getName() + "'"));
    }
    ctx.values.put(inputName, new Dyn(Graph.INPUT, ctx.inputShape, null, null, null, null));
    if (ctx.graph.getOutputCount() != 1) {
      throw new InputException(ctx.file + ": the graph has " + ctx.graph.getOutputCount()
          + " outputs; Whittle models have exactly one");
    }
    String outName = ctx.graph.getOutput(0).getName();
    ctx.graphOutputs.add(outName);
    ctx.uses.merge(outName, 1, Integer::sum);
    for (NodeProto n : ctx.graph.getNodeList()) {
      for (String s : n.getInputList()) {
        if (!s.isEmpty()) {
          ctx.uses.merge(s, 1, Integer::sum);
        }
      }
    }
    return new Plan(outName, order(inits, inputName));
  }

  private int opset() {
    long v = -1;
    for (OperatorSetIdProto o : ctx.model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        v = o.getVersion();
      }
    }
    if (v < 0) {
      if (ctx.model.getIrVersion() <= 0 && !ctx.model.hasGraph()) {
        throw new InputException(ctx.file + ": not an ONNX model (no graph, no IR version)");
      }
      throw new InputException(ctx.file
          + ": the model imports no ONNX operator set (opset_import)");
    }
    if (v < OnnxImporter.MIN_OPSET || v > OnnxImporter.MAX_OPSET) {
      throw new InputException(ctx.file + ": the model uses ONNX opset " + v
          + "; Whittle imports opsets " + OnnxImporter.MIN_OPSET + " to " + OnnxImporter.MAX_OPSET);
    }
    if (!ctx.model.hasGraph() || ctx.graph.getNodeCount() == 0) {
      throw new InputException(ctx.file + ": the model's graph has no nodes");
    }
    return (int) v;
  }

  /** Finds the one real graph input and reads its per-sample shape. */
  private String input(Set<String> inits) {
    List<ValueInfoProto> real = new ArrayList<>();
    for (ValueInfoProto v : ctx.graph.getInputList()) {
      if (!inits.contains(v.getName())) {
        real.add(v);
      }
    }
    if (real.size() != 1) {
      List<String> names = real.stream().map(ValueInfoProto::getName).toList();
      throw new InputException(ctx.file + ": the graph has " + real.size() + " inputs "
          + names + "; Whittle models take exactly one");
    }
    ValueInfoProto v = real.get(0);
    String name = v.getName();
    TypeProto t = v.getType();
    if (!t.hasTensorType()) {
      throw new InputException(ctx.file + ": input '" + name + "' is not a tensor");
    }
    int elem = t.getTensorType().getElemType();
    if (elem != DataTypes.FLOAT) {
      throw new InputException(ctx.file + ": input '" + name + "' has type " + DataTypes.name(elem)
          + "; Whittle models take float32 input");
    }
    if (!t.getTensorType().hasShape()) {
      throw new InputException(ctx.file + ": input '" + name + "' has no shape; Whittle needs the"
          + " shape of a sample");
    }
    TensorShapeProto s = t.getTensorType().getShape();
    int rank = s.getDimCount();
    if (rank < 2 || rank > 4) {
      throw new InputException(ctx.file + ": input '" + name + "' has rank " + rank
          + "; Whittle takes (N, features), (N, C, L) or (N, C, H, W)");
    }
    TensorShapeProto.Dimension b = s.getDim(0);
    ctx.declaredBatch = b.hasDimValue() && b.getDimValue() > 0 ? b.getDimValue() : 0;
    ctx.inputShape = new int[rank - 1];
    for (int i = 1; i < rank; i++) {
      TensorShapeProto.Dimension d = s.getDim(i);
      if (!d.hasDimValue() || d.getDimValue() <= 0 || d.getDimValue() > (1 << 24)) {
        throw new InputException(ctx.file + ": input '" + name + "' has dimension "
            + (d.hasDimParam() ? "'" + d.getDimParam() + "'" : d.hasDimValue()
                ? String.valueOf(d.getDimValue()) : "?")
            + " at axis " + i + "; every dimension but the batch must be a fixed size");
      }
      ctx.inputShape[i - 1] = (int) d.getDimValue();
    }
    if (Dims.size(ctx.inputShape) > (1 << 24)) {
      throw new InputException(ctx.file + ": input '" + name + "' is too large per sample");
    }
    return name;
  }

  /**
   * The nodes in a topological order (the file's order where it allows), after checking that
   * every value read is written exactly once and that there is no cycle.
   */
  private List<Integer> order(Set<String> inits, String inputName) {
    int n = ctx.graph.getNodeCount();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ctx.at(i);
      for (String o : ctx.cur.getOutputList()) {
        if (o.isEmpty()) {
          continue;
        }
        if (producer.containsKey(o) || inits.contains(o) || o.equals(inputName)) {
          throw ctx.fail("writes '" + o
              + "', which another node, initializer or input also defines");
        }
        producer.put(o, i);
      }
    }
    int[] indegree = new int[n];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      ctx.at(i);
      for (String s : ctx.cur.getInputList()) {
        if (s.isEmpty() || inits.contains(s) || s.equals(inputName)) {
          continue;
        }
        Integer p = producer.get(s);
        if (p == null) {
          throw ctx.fail("reads '" + s + "', which is not an initializer, the graph input or the"
              + " output of any node (a missing initializer?)");
        }
        indegree[i]++;
        consumers.get(p).add(i);
      }
    }
    ctx.cur = null;
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    List<Integer> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(i);
      for (int j : consumers.get(i)) {
        if (--indegree[j] == 0) {
          ready.add(j);
        }
      }
    }
    if (out.size() < n) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < n && stuck.size() < 3; i++) {
        if (indegree[i] > 0) {
          NodeProto p = ctx.graph.getNode(i);
          stuck.add("'" + (p.getName().isEmpty() ? "#" + i : p.getName()) + "' (" + p.getOpType()
              + ")");
        }
      }
      throw new InputException(ctx.file + ": the graph has a cycle through node "
          + String.join(", ", stuck));
    }
    String outName = ctx.graph.getOutputCount() == 1 ? ctx.graph.getOutput(0).getName() : null;
    if (outName != null && !producer.containsKey(outName) && !inits.contains(outName)
        && !outName.equals(inputName)) {
      throw new InputException(ctx.file + ": the graph output '" + outName
          + "' is not written by any node");
    }
    return out;
  }
}
