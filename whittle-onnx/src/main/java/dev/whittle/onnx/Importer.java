package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.nn.Activation;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Pool2d;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.OperatorSetIdProto;
import dev.whittle.onnx.proto.Onnx.StringStringEntryProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.onnx.proto.Onnx.TensorShapeProto;
import dev.whittle.onnx.proto.Onnx.TypeProto;
import dev.whittle.onnx.proto.Onnx.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One import: walks the ONNX graph in topological order, evaluates what is constant, folds
 * constant affine operations and layout changes into weighted layers, and builds Whittle layers
 * for the rest. See {@link OnnxImporter} for what is supported.
 */
final class Importer {
  private final ModelProto model;
  private final GraphProto graph;
  private final String file;
  private final OnnxImporter.Options options;
  private final TensorReader tensors;
  private int opset;

  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();
  private final Set<String> graphOutputs = new HashSet<>();
  private final List<LNode> lnodes = new ArrayList<>();
  private final Map<String, LNode> byName = new HashMap<>();
  private final Set<String> usedNames = new HashSet<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private final List<String> notes = new ArrayList<>();
  private int[] inputShape;
  private long declaredBatch; // 0 when dynamic
  private boolean inputRead;

  private NodeProto cur;
  private int curIndex;

  Importer(ModelProto model, String file, Path folder, OnnxImporter.Options options) {
    this.model = model;
    this.graph = model.getGraph();
    this.file = file;
    this.options = options;
    this.tensors = new TensorReader(file, folder, options.maxTensorElements());
  }

  // ---------------------------------------------------------------- errors and attributes

  private InputException fail(String why) {
    return new InputException(file + ": " + nodeText() + ": " + why);
  }

  private String nodeText() {
    if (cur == null) {
      return "graph";
    }
    String name = cur.getName().isEmpty() ? "#" + curIndex : cur.getName();
    return "node '" + name + "' (" + cur.getOpType() + ")";
  }

  private AttributeProto attr(String name) {
    for (AttributeProto a : cur.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private long attrInt(String name, long def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getI();
  }

  private float attrFloat(String name, float def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getF();
  }

  private long[] attrInts(String name) {
    AttributeProto a = attr(name);
    if (a == null) {
      return null;
    }
    long[] v = new long[a.getIntsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.getInts(i);
    }
    return v;
  }

  private String attrString(String name, String def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getS().toString(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- values

  private Value in(int i) {
    if (i >= cur.getInputCount() || cur.getInput(i).isEmpty()) {
      return null;
    }
    Value v = values.get(cur.getInput(i));
    if (v == null) {
      throw fail("reads '" + cur.getInput(i) + "', which has no value");
    }
    return v;
  }

  private Dyn dynIn(int i) {
    Value v = in(i);
    if (v == null) {
      throw fail("input " + i + " is missing");
    }
    if (!(v instanceof Dyn d)) {
      throw fail("expects an activation as input " + i + ", got the constant '"
          + cur.getInput(i) + "'");
    }
    return d;
  }

  private Const constIn(int i, String what) {
    Value v = in(i);
    if (v == null) {
      throw fail("has no " + what + " (input " + i + ")");
    }
    if (!(v instanceof Const c)) {
      throw fail("reads its " + what + " from '" + cur.getInput(i)
          + "', which is computed at run time; Whittle needs it to be a constant (an initializer)");
    }
    return c;
  }

  private Const optConst(int i, String what) {
    return in(i) == null ? null : constIn(i, what);
  }

  private long[] constInts(int i, String what) {
    Const c = optConst(i, what);
    return c == null ? null : c.toLongs();
  }

  private void out(int i, Value v) {
    values.put(cur.getOutput(i), v);
  }

  private boolean outputUsed(int i) {
    return i < cur.getOutputCount() && !cur.getOutput(i).isEmpty()
        && uses.getOrDefault(cur.getOutput(i), 0) > 0;
  }

  private int usesOfInput(int i) {
    return uses.getOrDefault(cur.getInput(i), 0);
  }

  private int[] phys(Dyn d) {
    return d.src.equals(Graph.INPUT) ? inputShape : byName.get(d.src).out;
  }

  // ---------------------------------------------------------------- naming and node creation

  private String uniqueName(String base, boolean numbered) {
    if (!numbered && !base.equals(Graph.INPUT) && usedNames.add(base)) {
      return base;
    }
    while (true) {
      int n = counters.merge(base, 1, Integer::sum);
      String name = numbered ? base + n : base + "_" + (n + 1);
      if (!name.equals(Graph.INPUT) && usedNames.add(name)) {
        return name;
      }
    }
  }

  /**
   * A readable name for the layer made from the current node: the prefix of its weight's name
   * ({@code fc1} from {@code fc1.weight}), else the node's own name with exporter scopes tidied
   * ({@code layer1.0.relu} from {@code /layer1/layer1.0/relu/Relu}, {@code block.add} from
   * {@code /block/Add}), else a numbered kind ({@code relu1}).
   */
  private String nameFor(String weight, String kind) {
    boolean weighted = weight != null;
    if (weighted) {
      for (String suffix : new String[] {".weight", ".gamma", ".scale"}) {
        if (weight.endsWith(suffix) && weight.length() > suffix.length()
            && !weight.startsWith("onnx::")) {
          return uniqueName(weight.substring(0, weight.length() - suffix.length()), false);
        }
      }
    }
    String n = tidy(cur.getName(), cur.getOpType(), weighted);
    return n == null ? uniqueName(kind, true) : uniqueName(n, false);
  }

  /**
   * Exporters name nodes by scope and operator ({@code /block/conv1/Conv}, {@code /Relu_1});
   * the scope names the layer, the operator is added for layers without weights. Null when the
   * name says nothing beyond the operator.
   */
  static String tidy(String name, String op, boolean weighted) {
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    String opPart = null;
    if (!parts.isEmpty()) {
      String last = parts.get(parts.size() - 1);
      if (last.equals(op) || last.matches(java.util.regex.Pattern.quote(op) + "_\\d+")) {
        opPart = last.toLowerCase(Locale.ROOT);
        parts.remove(parts.size() - 1);
      }
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      if (i + 1 < parts.size() && parts.get(i + 1).startsWith(parts.get(i) + ".")) {
        continue;
      }
      kept.add(parts.get(i));
    }
    String scope = String.join(".", kept).replaceAll("[\\s:]+", "_");
    if (scope.isEmpty() || scope.length() > 200) {
      return null;
    }
    if (weighted || opPart == null) {
      return scope;
    }
    String lastScope = scope.substring(scope.lastIndexOf('.') + 1);
    String bare = opPart.replaceAll("_\\d+$", "");
    // A module named after its operator, or a Sequential's numbered child, is the layer itself.
    return lastScope.equals(bare) || lastScope.matches("\\d+") ? scope : scope + "." + opPart;
  }

  private LNode add(LNode.Kind kind, String name, List<String> inputs, int[] outShape) {
    LNode n = new LNode(name, kind, inputs, outShape);
    for (String s : inputs) {
      if (s.equals(Graph.INPUT)) {
        inputRead = true;
      }
    }
    lnodes.add(n);
    byName.put(name, n);
    return n;
  }

  // ---------------------------------------------------------------- the walk

  Model run() {
    opset = opset();
    if (graph.getSparseInitializerCount() > 0) {
      throw new InputException(file + ": the graph has sparse initializers, which Whittle does"
          + " not read");
    }
    Set<String> inits = new HashSet<>();
    for (TensorProto t : graph.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new InputException(file + ": an initializer has no name");
      }
      if (!inits.add(t.getName())) {
        throw new InputException(file + ": initializer '" + t.getName() + "' appears twice");
      }
    }
    String inputName = input(inits);
    for (TensorProto t : graph.getInitializerList()) {
      values.put(t.getName(), tensors.read(t, "initializer '" + t.getName() + "'"));
    }
    values.put(inputName, new Dyn(Graph.INPUT, inputShape, null, null, null, null));
    if (graph.getOutputCount() != 1) {
      throw new InputException(file + ": the graph has " + graph.getOutputCount()
          + " outputs; Whittle models have exactly one");
    }
    String outName = graph.getOutput(0).getName();
    graphOutputs.add(outName);
    uses.merge(outName, 1, Integer::sum);
    for (NodeProto n : graph.getNodeList()) {
      for (String s : n.getInputList()) {
        if (!s.isEmpty()) {
          uses.merge(s, 1, Integer::sum);
        }
      }
    }
    for (int i : order(inits, inputName)) {
      cur = graph.getNode(i);
      curIndex = i;
      try {
        node();
      } catch (OpError e) {
        throw fail(e.getMessage());
      } catch (ArithmeticException | IndexOutOfBoundsException | IllegalArgumentException
          | NegativeArraySizeException e) {
        // A hostile or malformed node that slipped past the checks: still a one-line error.
        throw fail("cannot be imported (" + e + ")");
      }
    }
    cur = null;
    return finish(outName);
  }

  private int opset() {
    long v = -1;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        v = o.getVersion();
      }
    }
    if (v < 0) {
      if (model.getIrVersion() <= 0 && !model.hasGraph()) {
        throw new InputException(file + ": not an ONNX model (no graph, no IR version)");
      }
      throw new InputException(file + ": the model imports no ONNX operator set (opset_import)");
    }
    if (v < OnnxImporter.MIN_OPSET || v > OnnxImporter.MAX_OPSET) {
      throw new InputException(file + ": the model uses ONNX opset " + v
          + "; Whittle imports opsets " + OnnxImporter.MIN_OPSET + " to " + OnnxImporter.MAX_OPSET);
    }
    if (!model.hasGraph() || graph.getNodeCount() == 0) {
      throw new InputException(file + ": the model's graph has no nodes");
    }
    return (int) v;
  }

  /** Finds the one real graph input and reads its per-sample shape. */
  private String input(Set<String> inits) {
    List<ValueInfoProto> real = new ArrayList<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (!inits.contains(v.getName())) {
        real.add(v);
      }
    }
    if (real.size() != 1) {
      List<String> names = real.stream().map(ValueInfoProto::getName).toList();
      throw new InputException(file + ": the graph has " + real.size() + " inputs "
          + names + "; Whittle models take exactly one");
    }
    ValueInfoProto v = real.get(0);
    String name = v.getName();
    TypeProto t = v.getType();
    if (!t.hasTensorType()) {
      throw new InputException(file + ": input '" + name + "' is not a tensor");
    }
    int elem = t.getTensorType().getElemType();
    if (elem != DataTypes.FLOAT) {
      throw new InputException(file + ": input '" + name + "' has type " + DataTypes.name(elem)
          + "; Whittle models take float32 input");
    }
    if (!t.getTensorType().hasShape()) {
      throw new InputException(file + ": input '" + name + "' has no shape; Whittle needs the"
          + " shape of a sample");
    }
    TensorShapeProto s = t.getTensorType().getShape();
    int rank = s.getDimCount();
    if (rank < 2 || rank > 4) {
      throw new InputException(file + ": input '" + name + "' has rank " + rank
          + "; Whittle takes (N, features), (N, C, L) or (N, C, H, W)");
    }
    TensorShapeProto.Dimension b = s.getDim(0);
    declaredBatch = b.hasDimValue() && b.getDimValue() > 0 ? b.getDimValue() : 0;
    inputShape = new int[rank - 1];
    for (int i = 1; i < rank; i++) {
      TensorShapeProto.Dimension d = s.getDim(i);
      if (!d.hasDimValue() || d.getDimValue() <= 0 || d.getDimValue() > (1 << 24)) {
        throw new InputException(file + ": input '" + name + "' has dimension "
            + (d.hasDimParam() ? "'" + d.getDimParam() + "'" : d.hasDimValue()
                ? String.valueOf(d.getDimValue()) : "?")
            + " at axis " + i + "; every dimension but the batch must be a fixed size");
      }
      inputShape[i - 1] = (int) d.getDimValue();
    }
    if (Dims.size(inputShape) > (1 << 24)) {
      throw new InputException(file + ": input '" + name + "' is too large per sample");
    }
    return name;
  }

  /**
   * The nodes in a topological order (the file's order where it allows), after checking that
   * every value read is written exactly once and that there is no cycle.
   */
  private List<Integer> order(Set<String> inits, String inputName) {
    int n = graph.getNodeCount();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < n; i++) {
      cur = graph.getNode(i);
      curIndex = i;
      for (String o : cur.getOutputList()) {
        if (o.isEmpty()) {
          continue;
        }
        if (producer.containsKey(o) || inits.contains(o) || o.equals(inputName)) {
          throw fail("writes '" + o + "', which another node, initializer or input also defines");
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
      cur = graph.getNode(i);
      curIndex = i;
      for (String s : cur.getInputList()) {
        if (s.isEmpty() || inits.contains(s) || s.equals(inputName)) {
          continue;
        }
        Integer p = producer.get(s);
        if (p == null) {
          throw fail("reads '" + s + "', which is not an initializer, the graph input or the"
              + " output of any node (a missing initializer?)");
        }
        indegree[i]++;
        consumers.get(p).add(i);
      }
    }
    cur = null;
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
          NodeProto p = graph.getNode(i);
          stuck.add("'" + (p.getName().isEmpty() ? "#" + i : p.getName()) + "' (" + p.getOpType()
              + ")");
        }
      }
      throw new InputException(file + ": the graph has a cycle through node "
          + String.join(", ", stuck));
    }
    String outName = graph.getOutputCount() == 1 ? graph.getOutput(0).getName() : null;
    if (outName != null && !producer.containsKey(outName) && !inits.contains(outName)
        && !outName.equals(inputName)) {
      throw new InputException(file + ": the graph output '" + outName
          + "' is not written by any node");
    }
    return out;
  }

  // ---------------------------------------------------------------- operators

  private void node() {
    String domain = cur.getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      throw unsupported(domain + ":" + cur.getOpType());
    }
    String op = cur.getOpType();
    if (!OnnxImporter.SUPPORTED_OPS.contains(op)) {
      throw unsupported(op);
    }
    if (allConst() && foldable(op)) {
      out(0, fold(op));
      return;
    }
    switch (op) {
      case "Identity" -> out(0, alias(dynIn(0)));
      case "Dropout" -> dropout();
      case "Cast" -> {
        if (attrInt("to", DataTypes.FLOAT) != DataTypes.FLOAT) {
          throw fail("casts an activation to " + DataTypes.name((int) attrInt("to", 0))
              + "; Whittle computes in float32");
        }
        out(0, alias(dynIn(0)));
      }
      case "Gemm" -> gemm();
      case "MatMul" -> matmul();
      case "Conv" -> conv();
      case "MaxPool", "AveragePool" -> pool();
      case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(
          op.equals("GlobalMaxPool") ? Pool2d.Mode.MAX : Pool2d.Mode.AVG, true);
      case "ReduceMean" -> reduceMean();
      case "BatchNormalization" -> batchNorm();
      case "Relu" -> activation(Activation.Function.RELU, 0f, "relu");
      case "LeakyRelu" -> activation(Activation.Function.LEAKY_RELU, attrFloat("alpha", 0.01f),
          "leaky_relu");
      case "Sigmoid" -> activation(Activation.Function.SIGMOID, 0f, "sigmoid");
      case "Tanh" -> activation(Activation.Function.TANH, 0f, "tanh");
      case "Softmax", "LogSoftmax" -> softmax(op.equals("LogSoftmax"));
      case "Flatten" -> flatten();
      case "Reshape" -> reshape();
      case "Squeeze", "Unsqueeze" -> squeeze(op.equals("Unsqueeze"));
      case "Transpose" -> transpose();
      case "Add", "Sub", "Mul", "Div" -> elementwise(op);
      case "Sum" -> sum();
      case "Shape" -> shapeOf();
      case "Pad" -> pad();
      case "QuantizeLinear", "DequantizeLinear" -> throw fail(op + " on an activation (activation"
          + " quantization) is not supported; Whittle imports quantized weights only");
      default -> throw fail(op + " of an activation is not supported; Whittle evaluates " + op
          + " only on constants (such as shape computations)");
    }
  }

  private InputException unsupported(String op) {
    return fail("operator '" + op + "' is not supported; Whittle imports "
        + String.join(", ", OnnxImporter.SUPPORTED_OPS));
  }

  private boolean allConst() {
    boolean any = false;
    for (int i = 0; i < cur.getInputCount(); i++) {
      Value v = in(i);
      if (v instanceof Dyn) {
        return false;
      }
      any |= v != null;
    }
    return any || cur.getOpType().equals("Constant");
  }

  private static boolean foldable(String op) {
    return switch (op) {
      case "Identity", "Dropout", "Cast", "Constant", "Add", "Sub", "Mul", "Div", "Pow", "Neg",
          "Sqrt", "Reciprocal", "Abs", "Relu", "Exp", "Reshape", "Flatten", "Transpose",
          "Squeeze", "Unsqueeze", "Concat", "Gather", "Slice", "Shape", "ConstantOfShape",
          "QuantizeLinear", "DequantizeLinear", "Sum" -> true;
      default -> false;
    };
  }

  /** Evaluates a node whose inputs are all constants. */
  private Const fold(String op) {
    return switch (op) {
      case "Identity", "Dropout" -> constIn(0, "input");
      case "Constant" -> constant();
      case "Cast" -> ConstOps.cast(constIn(0, "input"), (int) attrInt("to", DataTypes.FLOAT));
      case "Add", "Sub", "Mul", "Div", "Pow" -> ConstOps.binary(op, constIn(0, "A"),
          constIn(1, "B"));
      case "Sum" -> {
        Const acc = constIn(0, "input");
        for (int i = 1; i < cur.getInputCount(); i++) {
          acc = ConstOps.binary("Add", acc, constIn(i, "input"));
        }
        yield acc;
      }
      case "Neg", "Sqrt", "Reciprocal", "Abs", "Relu", "Exp" -> ConstOps.unary(op,
          constIn(0, "input"));
      case "Reshape" -> {
        Const x = constIn(0, "data");
        long[] shape = opset >= 5 ? constIn(1, "shape").toLongs() : attrInts("shape");
        yield x.reshape(ConstOps.reshapeTarget(x.dims, shape, attrInt("allowzero", 0) != 0));
      }
      case "Flatten" -> {
        Const x = constIn(0, "input");
        int ax = (int) attrInt("axis", 1);
        ax = ax < 0 ? ax + x.rank() : ax;
        if (ax < 0 || ax > x.rank()) {
          throw fail("axis " + attrInt("axis", 1) + " is out of range");
        }
        int a = Dims.size(Arrays.copyOfRange(x.dims, 0, ax));
        yield x.reshape(new int[] {a, x.size() / Math.max(a, 1)});
      }
      case "Transpose" -> {
        Const x = constIn(0, "data");
        yield ConstOps.transpose(x, ConstOps.perm(attrInts("perm"), x.rank()));
      }
      case "Unsqueeze" -> ConstOps.unsqueeze(constIn(0, "data"), axes(true));
      case "Squeeze" -> {
        Const x = constIn(0, "data");
        yield x.reshape(ConstOps.squeezeDims(x.dims, axes(false)));
      }
      case "Concat" -> {
        List<Const> parts = new ArrayList<>();
        for (int i = 0; i < cur.getInputCount(); i++) {
          parts.add(constIn(i, "input"));
        }
        AttributeProto a = attr("axis");
        if (a == null) {
          throw fail("has no axis attribute");
        }
        yield ConstOps.concat(parts, a.getI());
      }
      case "Gather" -> ConstOps.gather(constIn(0, "data"), constIn(1, "indices"),
          attrInt("axis", 0));
      case "Slice" -> slice();
      case "Shape" -> {
        Const x = constIn(0, "data");
        long[] full = new long[x.rank()];
        for (int i = 0; i < full.length; i++) {
          full[i] = x.dims[i];
        }
        AttributeProto end = attr("end");
        yield ConstOps.shape(full, attrInt("start", 0), end == null ? null : end.getI());
      }
      case "ConstantOfShape" -> {
        Const s = constIn(0, "shape");
        ConstOps.noBatch(s, "ConstantOfShape");
        long[] d = s.toLongs();
        int[] dims = new int[d.length];
        long total = 1;
        for (int i = 0; i < d.length; i++) {
          if (d[i] < 0 || d[i] > Integer.MAX_VALUE) {
            throw fail("shape has dimension " + d[i]);
          }
          dims[i] = (int) d[i];
          total *= d[i];
          if (total > options.maxTensorElements()) {
            throw fail("makes a tensor larger than the limit of " + options.maxTensorElements()
                + " elements");
          }
        }
        AttributeProto v = attr("value");
        Const fill = v == null ? Const.floats(new int[] {1}, new float[] {0f})
            : tensors.read(v.getT(), "the value of node " + nodeText());
        if (fill.size() != 1) {
          throw fail("value must hold one element");
        }
        if (fill.isFloat()) {
          float[] f = new float[(int) total];
          Arrays.fill(f, fill.f[0]);
          yield Const.floats(dims, fill.dtype, f);
        }
        long[] l = new long[(int) total];
        Arrays.fill(l, fill.l[0]);
        yield Const.longs(dims, fill.dtype, l);
      }
      case "DequantizeLinear" -> {
        Const x = constIn(0, "x");
        Const scale = constIn(1, "x_scale");
        Const zero = optConst(2, "x_zero_point");
        yield ConstOps.dequantize(x, scale, zero, attrInt("axis", 1), attrInt("block_size", 0));
      }
      case "QuantizeLinear" -> {
        Const x = constIn(0, "x");
        Const scale = constIn(1, "y_scale");
        Const zero = optConst(2, "y_zero_point");
        int type = zero != null ? zero.dtype : (int) attrInt("output_dtype", DataTypes.UINT8);
        if (type == 0) {
          type = DataTypes.UINT8;
        }
        if (DataTypes.isFloat(type) || DataTypes.bits(type) > 16) {
          throw fail("quantizes to " + DataTypes.name(type) + ", which Whittle does not fold");
        }
        yield ConstOps.quantize(x, scale, zero, attrInt("axis", 1), attrInt("block_size", 0),
            type);
      }
      default -> throw new IllegalStateException(op);
    };
  }

  private Const constant() {
    for (AttributeProto a : cur.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return tensors.read(a.getT(), "the value of " + nodeText());
        case "value_float":
          return Const.floats(new int[0], new float[] {a.getF()});
        case "value_floats": {
          float[] f = new float[a.getFloatsCount()];
          for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
          }
          return Const.floats(new int[] {f.length}, f);
        }
        case "value_int":
          return Const.longs(new int[0], new long[] {a.getI()});
        case "value_ints": {
          long[] l = new long[a.getIntsCount()];
          for (int i = 0; i < l.length; i++) {
            l[i] = a.getInts(i);
          }
          return Const.longs(new int[] {l.length}, l);
        }
        default:
          throw fail("has attribute '" + a.getName() + "', which Whittle does not read");
      }
    }
    throw fail("has no value");
  }

  /** Axes of Squeeze/Unsqueeze: an attribute before opset 13, an input from 13 on. */
  private long[] axes(boolean required) {
    long[] a = opset >= 13 ? constInts(1, "axes") : attrInts("axes");
    if (a == null && required) {
      throw fail("has no axes");
    }
    return a;
  }

  private Const slice() {
    Const x = constIn(0, "data");
    if (opset < 10) {
      long[] starts = attrInts("starts");
      long[] ends = attrInts("ends");
      if (starts == null || ends == null) {
        throw fail("has no starts or ends");
      }
      return ConstOps.slice(x, starts, ends, attrInts("axes"), null);
    }
    return ConstOps.slice(x, constIn(1, "starts").toLongs(), constIn(2, "ends").toLongs(),
        constInts(3, "axes"), constInts(4, "steps"));
  }

  /** Identity: the same activation; it stays foldable when nothing else reads it. */
  private Dyn alias(Dyn x) {
    if (x.linear != null && usesOfInput(0) != 1) {
      return new Dyn(x.src, x.shape, x.perm, x.scale, x.shift, null);
    }
    return x;
  }

  private void dropout() {
    Dyn x = dynIn(0);
    if (outputUsed(1)) {
      throw fail("its mask output is used; Whittle imports models for inference");
    }
    float ratio = 0.5f;
    if (opset >= 12) {
      Const r = optConst(1, "ratio");
      if (r != null) {
        ratio = (float) r.get(0);
      }
    } else {
      ratio = attrFloat("ratio", 0.5f);
    }
    if (x.hasAffine() || x.perm != null || !(ratio > 0f && ratio < 1f)) {
      out(0, alias(x));
      return;
    }
    LNode n = add(LNode.Kind.DROPOUT, nameFor(null, "drop"), List.of(x.src), phys(x));
    n.p = ratio;
    out(0, new Dyn(n.name, x.shape, null, null, null, null));
  }

  // ------------------------------------------------------------ weighted layers

  private void gemm() {
    Dyn a = dynIn(0);
    Const bw = constIn(1, "weight B");
    Const c = optConst(2, "bias C");
    float alpha = attrFloat("alpha", 1f);
    float beta = attrFloat("beta", 1f);
    if (attrInt("transA", 0) != 0) {
      throw fail("transA=1 transposes the batch with the features; Whittle supports transA=0");
    }
    boolean transB = attrInt("transB", 0) != 0;
    if (a.shape.length != 1) {
      throw fail("expects (N, features) input, got " + Dims.batched(a.shape));
    }
    int in = a.shape[0];
    if (bw.rank() != 2 || bw.dims[transB ? 1 : 0] != in) {
      throw fail("weight '" + cur.getInput(1) + "' has shape " + bw.shapeText() + ", expected "
          + (transB ? "(out, " + in + ")" : "(" + in + ", out)") + " for " + in
          + " input features (transB=" + (transB ? 1 : 0) + ")");
    }
    int outs = bw.dims[transB ? 0 : 1];
    float[] w = transB ? bw.toFloats().clone() : transpose2(bw.toFloats(), in, outs);
    if (alpha != 1f) {
      for (int i = 0; i < w.length; i++) {
        w[i] *= alpha;
      }
    }
    float[] b = null;
    if (c != null) {
      b = perOutput(c, outs, "bias '" + cur.getInput(2) + "'");
      if (beta != 1f) {
        for (int i = 0; i < b.length; i++) {
          b[i] *= beta;
        }
      }
    }
    out(0, dense(a, w, b, outs, cur.getInput(1)));
  }

  private void matmul() {
    Value va = in(0);
    Value vb = in(1);
    if (va instanceof Dyn && vb instanceof Dyn) {
      throw fail("multiplies two activations; Whittle supports MatMul by a constant weight");
    }
    if (!(va instanceof Dyn a)) {
      throw fail("multiplies a constant by an activation (weight first); Whittle supports"
          + " activation x weight");
    }
    Const bw = constIn(1, "weight B");
    if (a.shape.length != 1) {
      throw fail("multiplies an input of " + Dims.batched(a.shape)
          + " (a batched matrix product); Whittle supports (N, features) x (features, out)");
    }
    int in = a.shape[0];
    if (bw.rank() != 2 || bw.dims[0] != in) {
      throw fail("weight '" + cur.getInput(1) + "' has shape " + bw.shapeText() + ", expected ("
          + in + ", out) for " + in + " input features");
    }
    int outs = bw.dims[1];
    out(0, dense(a, transpose2(bw.toFloats(), in, outs), null, outs, cur.getInput(1)));
  }

  private static float[] transpose2(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  /** A bias-like constant broadcast to one value per output: (), (1), (out), (1, out). */
  private float[] perOutput(Const c, int outs, String what) {
    int n = c.size();
    boolean ok = n == 1 || n == outs;
    for (int i = 0; i < c.rank() - 1; i++) {
      ok &= c.dims[i] == 1;
    }
    if (!ok || c.rank() > 2) {
      throw fail(what + " has shape " + c.shapeText() + ", expected (" + outs + ")");
    }
    float[] f = c.toFloats();
    float[] b = new float[outs];
    for (int i = 0; i < outs; i++) {
      b[i] = f[n == 1 ? 0 : i];
    }
    return b;
  }

  /**
   * A Dense layer computing {@code w x + b} on the logical view of {@code a}: its pending affine
   * map and permutation fold into the weights, so the layer reads the stored tensor directly.
   */
  private Dyn dense(Dyn a, float[] w, float[] b, int outs, String weightName) {
    int in = a.size();
    if (a.hasAffine()) {
      if (b == null) {
        b = new float[outs];
      }
      for (int o = 0; o < outs; o++) {
        double extra = 0;
        for (int i = 0; i < in; i++) {
          extra += (double) w[o * in + i] * a.shift[i];
          w[o * in + i] *= a.scale[i];
        }
        b[o] = (float) (b[o] + extra);
      }
    }
    if (a.perm != null) {
      float[] p = new float[w.length];
      for (int o = 0; o < outs; o++) {
        for (int i = 0; i < in; i++) {
          p[o * in + a.perm[i]] = w[o * in + i];
        }
      }
      w = p;
    }
    LNode n = add(LNode.Kind.DENSE, nameFor(weightName, "fc"), List.of(a.src), new int[] {outs});
    n.in = in;
    n.outs = outs;
    n.w = w;
    n.b = b;
    return Dyn.of(n);
  }

  private long[] ints2(String name, long def) {
    long[] v = attrInts(name);
    if (v == null) {
      return new long[] {def, def};
    }
    if (v.length != 2) {
      throw fail(name + " " + Arrays.toString(v) + " is not two values; Whittle supports 2-D"
          + " operations");
    }
    return v;
  }

  /** The symmetric padding of a 2-D window operation, or an error for what Whittle lacks. */
  private int padding(int h, int w, int k, int s) {
    String autoPad = attrString("auto_pad", "NOTSET");
    switch (autoPad) {
      case "NOTSET", "" -> {
        long[] pads = attrInts("pads");
        if (pads == null) {
          return 0;
        }
        if (pads.length != 4) {
          throw fail("pads " + Arrays.toString(pads) + " is not four values");
        }
        if (pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]) {
          throw fail("pads " + Arrays.toString(pads) + " differ; Whittle supports the same"
              + " padding on every side");
        }
        if (pads[0] < 0 || pads[0] > 1024) {
          throw fail("pads " + Arrays.toString(pads) + " are out of range");
        }
        return (int) pads[0];
      }
      case "VALID" -> {
        return 0;
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        int th = Math.max(((h + s - 1) / s - 1) * s + k - h, 0);
        int tw = Math.max(((w + s - 1) / s - 1) * s + k - w, 0);
        if (th != tw || th % 2 != 0) {
          throw fail("auto_pad " + autoPad + " pads " + th + " rows and " + tw + " columns,"
              + " unevenly; Whittle supports the same padding on every side");
        }
        return th / 2;
      }
      default -> throw fail("auto_pad '" + autoPad + "' is not known");
    }
  }

  /** Checks that a layer that reads (C, H, W) in memory order gets exactly that. */
  private int[] layout(Dyn x, int rank, String what) {
    if (x.shape.length != rank) {
      throw fail(what + " input " + Dims.batched(x.shape));
    }
    if (x.perm != null) {
      throw fail("reads a transposed activation; Whittle has no Transpose layer (a Transpose"
          + " is folded only into a following Gemm or MatMul)");
    }
    int[] p = phys(x);
    if (!Arrays.equals(p, x.shape)) {
      if (x.src.equals(Graph.INPUT) && !inputRead) {
        notes.add("input reshaped from " + Dims.batched(p) + " to " + Dims.batched(x.shape));
        inputShape = x.shape.clone();
      } else {
        throw fail("reads an activation reshaped from " + Dims.batched(p) + " to "
            + Dims.batched(x.shape) + "; Whittle has no reshape layer for that");
      }
    }
    return x.shape;
  }

  private void conv() {
    Dyn x = dynIn(0);
    Const wt = constIn(1, "weight W");
    Const bias = optConst(2, "bias B");
    if (x.shape.length != 3) {
      throw fail("convolves an input of " + Dims.batched(x.shape)
          + "; Whittle supports 2-D convolution over (N, C, H, W)");
    }
    if (attrInt("group", 1) != 1) {
      throw fail("group=" + attrInt("group", 1) + " (grouped or depthwise convolution) is not"
          + " supported; Whittle supports group=1");
    }
    long[] dil = ints2("dilations", 1);
    if (dil[0] != 1 || dil[1] != 1) {
      throw fail("dilations " + Arrays.toString(dil) + " are not supported; Whittle supports 1");
    }
    int c = x.shape[0];
    int h = x.shape[1];
    int wd = x.shape[2];
    if (wt.rank() != 4 || wt.dims[1] != c) {
      throw fail("weight '" + cur.getInput(1) + "' has shape " + wt.shapeText() + ", expected"
          + " (out, " + c + ", kh, kw) for an input of " + c + " channels");
    }
    int oc = wt.dims[0];
    int k = wt.dims[2];
    if (wt.dims[3] != k) {
      throw fail("kernel " + wt.dims[2] + "x" + wt.dims[3] + " is not square; Whittle's"
          + " compiled convolution supports square kernels");
    }
    long[] ks = attrInts("kernel_shape");
    if (ks != null && (ks.length != 2 || ks[0] != k || ks[1] != k)) {
      throw fail("kernel_shape " + Arrays.toString(ks) + " does not match weight "
          + wt.shapeText());
    }
    long[] st = ints2("strides", 1);
    if (st[0] != st[1] || st[0] < 1 || st[0] > 1024) {
      throw fail("strides " + Arrays.toString(st) + " differ; Whittle supports one stride");
    }
    int s = (int) st[0];
    int pad = padding(h, wd, k, s);
    float[] w = wt.toFloats().clone();
    float[] b = bias == null ? null : perOutput(bias, oc, "bias '" + cur.getInput(2) + "'");
    if (x.hasAffine()) {
      int hw = h * wd;
      boolean shifted = false;
      for (int ch = 0; ch < c; ch++) {
        for (int q = 1; q < hw; q++) {
          int i = ch * hw;
          if (x.scale[i + q] != x.scale[i] || x.shift[i + q] != x.shift[i]) {
            throw fail("reads an activation scaled or shifted per pixel by a constant, which"
                + " cannot fold into the convolution; Whittle needs an affine layer for it");
          }
        }
        shifted |= x.shift[ch * hw] != 0f;
      }
      if (shifted && pad > 0) {
        throw fail("reads an activation shifted by a constant (such as a normalization) and"
            + " pads with zeros, so the shift cannot fold into the weights exactly; Whittle"
            + " needs an affine layer for it");
      }
      if (b == null) {
        b = new float[oc];
      }
      int kk = k * k;
      for (int o = 0; o < oc; o++) {
        double extra = 0;
        for (int ch = 0; ch < c; ch++) {
          float sc = x.scale[ch * hw];
          float sh = x.shift[ch * hw];
          for (int q = 0; q < kk; q++) {
            int i = (o * c + ch) * kk + q;
            extra += (double) w[i] * sh;
            w[i] *= sc;
          }
        }
        b[o] = (float) (b[o] + extra);
      }
      x = new Dyn(x.src, x.shape, x.perm, null, null, null);
    }
    layout(x, 3, "convolves");
    if (h + 2 * pad < k || wd + 2 * pad < k) {
      throw fail("kernel " + k + "x" + k + " is larger than its padded input "
          + Dims.batched(x.shape));
    }
    int oh = (h + 2 * pad - k) / s + 1;
    int ow = (wd + 2 * pad - k) / s + 1;
    LNode n = add(LNode.Kind.CONV, nameFor(cur.getInput(1), "conv"), List.of(x.src),
        new int[] {oc, oh, ow});
    n.in = c;
    n.outs = oc;
    n.k = k;
    n.stride = s;
    n.pad = pad;
    n.w = w;
    n.b = b;
    out(0, Dyn.of(n));
  }

  private void noAffine(Dyn x) {
    if (x.hasAffine()) {
      throw fail("reads an activation scaled or shifted by a constant that cannot fold into a"
          + " neighbouring Gemm, MatMul, Conv or BatchNormalization; Whittle needs an affine"
          + " layer for it");
    }
  }

  private void pool() {
    boolean max = cur.getOpType().equals("MaxPool");
    Dyn x = dynIn(0);
    noAffine(x);
    if (max && outputUsed(1)) {
      throw fail("its Indices output is used, which Whittle does not compute");
    }
    int[] s = layout(x, 3, "pools");
    long[] ks = attrInts("kernel_shape");
    if (ks == null || ks.length != 2) {
      throw fail("kernel_shape " + (ks == null ? "is missing" : Arrays.toString(ks)
          + " is not 2-D"));
    }
    if (ks[0] != ks[1] || ks[0] < 1 || ks[0] > 4096) {
      throw fail("kernel_shape " + Arrays.toString(ks) + " is not square; Whittle's pooling"
          + " uses square windows");
    }
    int k = (int) ks[0];
    long[] st = ints2("strides", 1);
    if (st[0] != st[1] || st[0] < 1 || st[0] > 4096) {
      throw fail("strides " + Arrays.toString(st) + " differ; Whittle supports one stride");
    }
    int stride = (int) st[0];
    long[] dil = ints2("dilations", 1);
    if (dil[0] != 1 || dil[1] != 1) {
      throw fail("dilations " + Arrays.toString(dil) + " are not supported");
    }
    int pad = padding(s[1], s[2], k, stride);
    if (pad != 0) {
      throw fail("pads the input by " + pad + "; Whittle's pooling has no padding ("
          + (max ? "" : "and AveragePool's count_include_pad would be ambiguous; ")
          + "export the model without pooling padding)");
    }
    if (s[1] < k || s[2] < k) {
      throw fail("window " + k + "x" + k + " is larger than its input " + Dims.batched(s));
    }
    if (attrInt("ceil_mode", 0) != 0 && ((s[1] - k) % stride != 0 || (s[2] - k) % stride != 0)) {
      throw fail("ceil_mode=1 adds partial windows here; Whittle pools full windows only"
          + " (ceil_mode=0)");
    }
    pool2d(x, max ? Pool2d.Mode.MAX : Pool2d.Mode.AVG, k, stride, s);
  }

  private Dyn pool2d(Dyn x, Pool2d.Mode mode, int k, int stride, int[] s) {
    LNode n = add(LNode.Kind.POOL, nameFor(null, "pool"), List.of(x.src),
        new int[] {s[0], (s[1] - k) / stride + 1, (s[2] - k) / stride + 1});
    n.mode = mode;
    n.k = k;
    n.stride = stride;
    Dyn d = Dyn.of(n);
    out(0, d);
    return d;
  }

  private void globalPool(Pool2d.Mode mode, boolean keep) {
    Dyn x = dynIn(0);
    noAffine(x);
    int[] s = layout(x, 3, "pools");
    if (s[1] != s[2]) {
      throw fail("pools a " + s[1] + "x" + s[2] + " input globally; Whittle's pooling windows"
          + " are square, so a global pooling layer is needed for non-square inputs");
    }
    Dyn d = pool2d(x, mode, s[1], s[1], s);
    if (!keep) {
      out(0, new Dyn(d.src, new int[] {s[0]}, null, null, null, null));
    }
  }

  private void reduceMean() {
    long[] axes = opset >= 18 ? constInts(1, "axes") : attrInts("axes");
    boolean keep = attrInt("keepdims", 1) != 0;
    Dyn x = dynIn(0);
    int r = x.shape.length + 1;
    Set<Integer> ax = new HashSet<>();
    if (axes != null) {
      for (long a : axes) {
        ax.add(ConstOps.axis(a, r, "axis"));
      }
    }
    if (r != 4 || !ax.equals(Set.of(2, 3))) {
      throw fail("averages over axes " + (axes == null ? "all" : Arrays.toString(axes))
          + " of " + Dims.batched(x.shape) + "; Whittle supports the spatial mean over axes"
          + " [2, 3] (global average pooling)");
    }
    globalPool(Pool2d.Mode.AVG, keep);
  }

  private void batchNorm() {
    Dyn x = dynIn(0);
    noAffine(x);
    if (attrInt("training_mode", 0) != 0 || outputUsed(1) || outputUsed(2)) {
      throw fail("is in training mode; Whittle imports models for inference");
    }
    if (attrInt("spatial", 1) != 1) {
      throw fail("spatial=0 is not supported");
    }
    if (x.shape.length != 1 && x.shape.length != 3) {
      throw fail("normalizes an input of " + Dims.batched(x.shape)
          + "; Whittle supports (N, C) and (N, C, H, W)");
    }
    layout(x, x.shape.length, "normalizes");
    int c = x.shape[0];
    String[] what = {"scale", "bias", "mean", "var"};
    float[][] p = new float[4][];
    for (int i = 0; i < 4; i++) {
      Const t = constIn(i + 1, what[i]);
      if (t.size() != c || t.rank() != 1) {
        throw fail(what[i] + " '" + cur.getInput(i + 1) + "' has shape " + t.shapeText()
            + ", expected (" + c + ") for " + c + " channels");
      }
      p[i] = t.toFloats().clone();
    }
    float momentum = attrFloat("momentum", 0.9f);
    LNode n = add(LNode.Kind.BATCHNORM, nameFor(cur.getInput(1), "bn"), List.of(x.src),
        phys(x));
    n.outs = c;
    n.eps = attrFloat("epsilon", 1e-5f);
    n.momentum = whittleMomentum(momentum);
    n.gamma = p[0];
    n.beta = p[1];
    n.mean = p[2];
    n.var = p[3];
    out(0, Dyn.of(n));
  }

  /**
   * ONNX's momentum weighs the running statistic, Whittle's the batch's: 1 - m. The shortest
   * decimal that maps back to the same ONNX value is taken, so Whittle's 0.1 comes back as 0.1f.
   */
  static float whittleMomentum(float onnx) {
    if (!(onnx >= 0f && onnx <= 1f)) {
      return 0.1f;
    }
    double m = 1.0 - onnx;
    for (int digits = 1; digits <= 9; digits++) {
      float c = Float.parseFloat(String.format(Locale.ROOT, "%." + digits + "g", m));
      if ((float) (1.0 - c) == onnx) {
        return c;
      }
    }
    return (float) m;
  }

  // ------------------------------------------------------------ element-wise

  private void activation(Activation.Function f, float alpha, String kind) {
    Dyn x = dynIn(0);
    noAffine(x);
    LNode n = add(LNode.Kind.ACTIVATION, nameFor(null, kind), List.of(x.src), phys(x));
    n.function = f;
    n.alpha = alpha;
    out(0, new Dyn(n.name, x.shape, x.perm, null, null, null));
  }

  private void softmax(boolean log) {
    Dyn x = dynIn(0);
    noAffine(x);
    int r = x.shape.length + 1;
    long axis = attrInt("axis", opset >= 13 ? -1 : 1);
    int ax = ConstOps.axis(axis, r, "axis");
    boolean whole;
    if (opset >= 13) {
      whole = ax >= 1;
      for (int i = 1; i < r; i++) {
        whole &= i == ax || x.shape[i - 1] == 1;
      }
    } else {
      whole = ax == 1;
    }
    if (!whole) {
      throw fail("normalizes over axis " + axis + " of " + Dims.batched(x.shape)
          + "; Whittle's softmax normalizes each sample as a whole");
    }
    if (log) {
      if (!options.stripFinalLogSoftmax()) {
        throw fail("Whittle has no log-softmax layer; import with --strip-log-softmax to keep"
            + " the logits instead (same predictions and training loss)");
      }
      if (!graphOutputs.contains(cur.getOutput(0))
          || uses.getOrDefault(cur.getOutput(0), 0) != 1) {
        throw fail("is not the model's final operation, so it cannot be stripped");
      }
      notes.add("final LogSoftmax stripped: the model outputs logits");
      out(0, x);
      return;
    }
    LNode n = add(LNode.Kind.SOFTMAX, nameFor(null, "softmax"), List.of(x.src), phys(x));
    out(0, new Dyn(n.name, x.shape, x.perm, null, null, null));
  }

  private void flatten() {
    Dyn x = dynIn(0);
    int r = x.shape.length + 1;
    long axis = attrInt("axis", 1);
    long ax = axis < 0 ? axis + r : axis;
    if (ax <= 0 || ax > r) {
      throw fail("axis " + axis + " folds the batch into the features; Whittle keeps the batch"
          + " apart (axis=1)");
    }
    for (int i = 1; i < ax; i++) {
      if (x.shape[i - 1] != 1) {
        throw fail("axis " + axis + " folds the batch with dimension " + i + " of "
            + Dims.batched(x.shape) + "; Whittle keeps the batch apart (axis=1)");
      }
    }
    out(0, view(x, new int[] {x.size()}));
  }

  private void reshape() {
    Dyn x = dynIn(0);
    long[] shape = opset >= 5 ? constIn(1, "shape").toLongs() : attrInts("shape");
    boolean allowZero = attrInt("allowzero", 0) != 0;
    if (shape.length == 0) {
      throw fail("reshapes an activation to a scalar");
    }
    int total = x.size();
    long first = shape[0];
    if (first == 0 && !allowZero) {
      first = Const.BATCH;
    }
    if (first != Const.BATCH && first != -1 && !(declaredBatch > 0 && first == declaredBatch)) {
      throw fail("reshapes to " + shapeText(shape) + ", which fixes the batch size; Whittle"
          + " models take any batch (use -1 or the batch dimension of the input)");
    }
    int[] target = new int[shape.length - 1];
    int infer = -1;
    long known = 1;
    for (int i = 1; i < shape.length; i++) {
      long v = shape[i];
      if (v == 0 && !allowZero) {
        if (i > x.shape.length) {
          throw fail("copies dimension " + i + " of " + Dims.batched(x.shape)
              + ", which does not exist");
        }
        v = x.shape[i - 1];
      }
      if (v == Const.BATCH) {
        throw fail("moves the batch size to dimension " + i);
      }
      if (v == -1) {
        if (infer >= 0 || first == -1) {
          throw fail("reshapes to " + shapeText(shape) + ", with two unknown dimensions");
        }
        infer = i - 1;
        continue;
      }
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw fail("reshapes to " + shapeText(shape));
      }
      target[i - 1] = (int) v;
      known *= v;
    }
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw fail("cannot reshape " + Dims.batched(x.shape) + " to " + shapeText(shape));
      }
      target[infer] = (int) (total / known);
    } else if (known != total) {
      throw fail("reshapes " + Dims.batched(x.shape) + " to " + shapeText(shape)
          + ", which changes the batch size; Whittle keeps the batch");
    }
    out(0, view(x, target));
  }

  private static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i] == Const.BATCH ? "N" : String.valueOf(shape[i]));
    }
    return b.append(')').toString();
  }

  private void squeeze(boolean unsqueeze) {
    Dyn x = dynIn(0);
    long[] axes = axes(unsqueeze);
    int[] full = Dims.prepend(1, x.shape);
    int[] res;
    if (unsqueeze) {
      int r = full.length + axes.length;
      for (long a : axes) {
        if (ConstOps.axis(a, r, "axis") == 0) {
          throw fail("inserts an axis before the batch");
        }
      }
      res = ConstOps.unsqueeze(Const.longs(full, new long[x.size()]), axes).dims;
    } else {
      if (axes == null || axes.length == 0) {
        axes = java.util.stream.IntStream.range(1, full.length).filter(i -> full[i] == 1)
            .asLongStream().toArray();
      }
      for (long a : axes) {
        if (ConstOps.axis(a, full.length, "axis") == 0) {
          throw fail("removes the batch axis");
        }
      }
      res = ConstOps.squeezeDims(full, axes);
    }
    out(0, view(x, Arrays.copyOfRange(res, 1, res.length)));
  }

  /** The activation seen with another per-sample shape of the same size. */
  private Dyn view(Dyn x, int[] shape) {
    if (Dims.size(shape) != x.size()) {
      throw fail("cannot view " + Dims.batched(x.shape) + " as " + Dims.batched(shape));
    }
    int[] p = phys(x);
    if (shape.length == 1 && p.length > 1) {
      LNode n = add(LNode.Kind.FLATTEN, nameFor(null, "flatten"), List.of(x.src), shape);
      return new Dyn(n.name, shape, x.perm, x.scale, x.shift, null);
    }
    LNode keep = x.linear != null && Arrays.equals(shape, p) && usesOfInput(0) == 1
        ? x.linear : null;
    return new Dyn(x.src, shape, x.perm, x.scale, x.shift, keep);
  }

  private void transpose() {
    Dyn x = dynIn(0);
    int r = x.shape.length + 1;
    int[] perm = ConstOps.perm(attrInts("perm"), r);
    if (perm[0] != 0) {
      throw fail("moves the batch axis (perm " + Arrays.toString(perm) + ")");
    }
    int[] lp = new int[r - 1];
    int[] shape = new int[r - 1];
    for (int i = 0; i < r - 1; i++) {
      lp[i] = perm[i + 1] - 1;
      shape[i] = x.shape[lp[i]];
    }
    int[] src = ConstOps.permutation(x.shape, lp);
    int[] np = new int[src.length];
    boolean identity = true;
    for (int k = 0; k < src.length; k++) {
      np[k] = x.perm == null ? src[k] : x.perm[src[k]];
      identity &= np[k] == k;
    }
    float[] sc = null;
    float[] sh = null;
    if (x.hasAffine()) {
      sc = new float[src.length];
      sh = new float[src.length];
      for (int k = 0; k < src.length; k++) {
        sc[k] = x.scale[src[k]];
        sh[k] = x.shift[src[k]];
      }
    }
    out(0, new Dyn(x.src, shape, identity ? null : np, sc, sh, null));
  }

  private void sum() {
    List<Dyn> xs = new ArrayList<>();
    for (int i = 0; i < cur.getInputCount(); i++) {
      Value v = in(i);
      if (!(v instanceof Dyn d)) {
        throw fail("adds the constant '" + cur.getInput(i) + "' to activations; use Add");
      }
      xs.add(d);
    }
    if (xs.size() == 1) {
      out(0, alias(xs.get(0)));
      return;
    }
    residual(xs);
  }

  private void residual(List<Dyn> xs) {
    Dyn a = xs.get(0);
    List<String> srcs = new ArrayList<>();
    for (Dyn x : xs) {
      noAffine(x);
      if (!Arrays.equals(x.shape, a.shape) || !Arrays.equals(phys(x), phys(a))
          || !Arrays.equals(x.perm, a.perm)) {
        throw fail("adds activations of shapes " + Dims.batched(a.shape) + " and "
            + Dims.batched(x.shape) + "; Whittle adds activations of one shape (no broadcasting)");
      }
      srcs.add(x.src);
    }
    LNode n = add(LNode.Kind.ADD, nameFor(null, "add"), srcs, phys(a));
    out(0, new Dyn(n.name, a.shape, a.perm, null, null, null));
  }

  private void elementwise(String op) {
    Value va = in(0);
    Value vb = in(1);
    if (va instanceof Dyn a && vb instanceof Dyn b) {
      if (!op.equals("Add")) {
        throw fail(op + " of two activations needs an element-wise " + op.toLowerCase(Locale.ROOT)
            + " layer, which Whittle lacks");
      }
      residual(List.of(a, b));
      return;
    }
    boolean constFirst = va instanceof Const;
    Dyn x = (Dyn) (constFirst ? vb : va);
    Const c = (Const) (constFirst ? va : vb);
    float[] ce = expand(c, x.shape);
    int n = ce.length;
    float[] s = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      switch (op) {
        case "Add" -> {
          s[i] = 1f;
          t[i] = ce[i];
        }
        case "Sub" -> {
          s[i] = constFirst ? -1f : 1f;
          t[i] = constFirst ? ce[i] : -ce[i];
        }
        case "Mul" -> s[i] = ce[i];
        case "Div" -> {
          if (constFirst) {
            throw fail("divides a constant by an activation, which is not an affine map");
          }
          s[i] = 1f / ce[i];
        }
        default -> throw new IllegalStateException(op);
      }
    }
    out(0, affine(x, constFirst ? 1 : 0, s, t));
  }

  /** A constant broadcast to one value per element of a sample of shape {@code shape}. */
  private float[] expand(Const c, int[] shape) {
    int[] cd = c.dims;
    if (cd.length > shape.length + 1) {
      throw fail("broadcasts an activation " + Dims.batched(shape) + " with a constant of shape "
          + c.shapeText() + ", which would grow it");
    }
    if (cd.length == shape.length + 1) {
      if (cd[0] != 1) {
        throw fail("applies a constant of shape " + c.shapeText() + " that varies along the"
            + " batch");
      }
      cd = Arrays.copyOfRange(cd, 1, cd.length);
    }
    int[] b = ConstOps.broadcast(cd, shape);
    if (!Arrays.equals(b, shape)) {
      throw fail("broadcasts an activation " + Dims.batched(shape) + " with a constant of shape "
          + c.shapeText() + ", which would grow it");
    }
    int[] idx = ConstOps.broadcastIndex(cd, shape);
    float[] v = c.toFloats();
    float[] out = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = v[idx[i]];
    }
    return out;
  }

  /**
   * x * s + t: folded into the layer that made x when that is a weighted layer nothing else
   * reads and the map is per output channel; else kept pending for the next weighted layer.
   */
  private Dyn affine(Dyn x, int inputIndex, float[] s, float[] t) {
    boolean identity = true;
    for (int i = 0; i < s.length; i++) {
      identity &= s[i] == 1f && t[i] == 0f;
    }
    if (identity) {
      return x;
    }
    if (x.linear != null && x.perm == null && !x.hasAffine()
        && uses.getOrDefault(cur.getInput(inputIndex), 0) == 1
        && !graphOutputs.contains(cur.getInput(inputIndex))) {
      LNode n = x.linear;
      int ch = n.outs;
      int spatial = s.length / ch;
      float[] cs = new float[ch];
      float[] ct = new float[ch];
      boolean perChannel = s.length == ch * spatial;
      for (int c = 0; c < ch && perChannel; c++) {
        cs[c] = s[c * spatial];
        ct[c] = t[c * spatial];
        for (int q = 1; q < spatial; q++) {
          perChannel &= s[c * spatial + q] == cs[c] && t[c * spatial + q] == ct[c];
        }
      }
      if (perChannel) {
        n.scaleShift(cs, ct);
        return x;
      }
    }
    float[] ns = s.clone();
    float[] nt = t.clone();
    if (x.hasAffine()) {
      for (int i = 0; i < ns.length; i++) {
        ns[i] = x.scale[i] * s[i];
        nt[i] = x.shift[i] * s[i] + t[i];
      }
    }
    return new Dyn(x.src, x.shape, x.perm, ns, nt, null);
  }

  /** A Pad that adds nothing (PyTorch writes one before AveragePool at opset 9) vanishes. */
  private void pad() {
    Dyn x = dynIn(0);
    long[] pads = opset >= 11 ? constInts(1, "pads") : attrInts("pads");
    if (pads != null) {
      for (long p : pads) {
        if (p != 0) {
          throw fail("pads an activation by " + Arrays.toString(pads) + "; Whittle has no"
              + " padding layer (only a Conv's own pads are supported)");
        }
      }
    }
    out(0, alias(x));
  }

  private void shapeOf() {
    Dyn x = dynIn(0);
    long[] full = new long[x.shape.length + 1];
    full[0] = Const.BATCH;
    for (int i = 0; i < x.shape.length; i++) {
      full[i + 1] = x.shape[i];
    }
    AttributeProto end = attr("end");
    out(0, ConstOps.shape(full, attrInt("start", 0), end == null ? null : end.getI()));
  }

  // ------------------------------------------------------------ the result

  private Model finish(String outName) {
    Value v = values.get(outName);
    if (v instanceof Const) {
      throw new InputException(file + ": the graph output '" + outName
          + "' is a constant; it does not depend on the input");
    }
    Dyn d = (Dyn) v;
    if (d.src.equals(Graph.INPUT)) {
      throw new InputException(file + ": the graph output '" + outName
          + "' is the input itself; the model has no layer");
    }
    if (d.hasAffine()) {
      throw new InputException(file + ": the graph output '" + outName + "' is scaled or"
          + " shifted by a constant after the last weighted layer; Whittle needs an affine"
          + " layer for it");
    }
    if (d.perm != null) {
      throw new InputException(file + ": the graph output '" + outName
          + "' is transposed; Whittle has no Transpose layer");
    }
    Set<String> live = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(d.src));
    while (!todo.isEmpty()) {
      String s = todo.pop();
      if (s.equals(Graph.INPUT) || !live.add(s)) {
        continue;
      }
      todo.addAll(byName.get(s).inputs);
    }
    List<Graph.Node> nodes = new ArrayList<>();
    for (LNode n : lnodes) {
      if (live.contains(n.name)) {
        Layer layer;
        try {
          layer = n.build();
        } catch (InputException e) {
          throw new InputException(file + ": layer '" + n.name + "': " + e.getMessage(), e);
        }
        nodes.add(new Graph.Node(n.name, layer, n.inputs));
      }
    }
    if (!nodes.get(nodes.size() - 1).name().equals(d.src)) {
      throw new IllegalStateException("output node is not last");
    }
    Graph g;
    try {
      g = new Graph(inputShape, nodes);
    } catch (InputException e) {
      throw new InputException(file + ": " + e.getMessage(), e);
    }
    Model m = new Model(g);
    Map<String, String> prov = new LinkedHashMap<>();
    for (StringStringEntryProto e : model.getMetadataPropsList()) {
      if (e.getKey().startsWith(OnnxExporter.META_PREFIX)) {
        prov.put(e.getKey().substring(OnnxExporter.META_PREFIX.length()), e.getValue());
      }
    }
    m.provenance().putAll(prov);
    m.provenance().put("imported_from", file);
    String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
    if (!producer.isEmpty()) {
      m.provenance().put("onnx_producer", producer);
    }
    m.provenance().put("onnx_opset", String.valueOf(opset));
    if (!notes.isEmpty()) {
      m.provenance().put("import_notes", String.join("; ", notes));
    }
    return m;
  }
}
