package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.nn.Graph;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one import, shared by the operator translators: the ONNX values computed so far,
 * the Whittle nodes made, and the node being translated with helpers that read its attributes
 * and inputs and name its errors.
 */
final class ImportContext {
  final ModelProto model;
  final GraphProto graph;
  final String file;
  final OnnxImporter.Options options;
  final TensorReader tensors;
  int opset;

  final Map<String, Value> values = new HashMap<>();
  final Map<String, Integer> uses = new HashMap<>();
  final Set<String> graphOutputs = new HashSet<>();
  final List<LNode> lnodes = new ArrayList<>();
  final Map<String, LNode> byName = new HashMap<>();
  final List<String> notes = new ArrayList<>();
  private final LayerNames names = new LayerNames();
  int[] inputShape;
  long declaredBatch; // 0 when dynamic
  boolean inputRead;

  /** The node being translated, or null between nodes. */
  NodeProto cur;
  int curIndex;

  ImportContext(ModelProto model, String file, Path folder, OnnxImporter.Options options) {
    this.model = model;
    this.graph = model.getGraph();
    this.file = file;
    this.options = options;
    this.tensors = new TensorReader(file, folder, options.maxTensorElements());
  }

  /** Moves to node {@code i} of the graph. */
  void at(int i) {
    cur = graph.getNode(i);
    curIndex = i;
  }

  // ---------------------------------------------------------------- errors and attributes

  InputException fail(String why) {
    return new InputException(file + ": " + nodeText() + ": " + why);
  }

  String nodeText() {
    if (cur == null) {
      return "graph";
    }
    String name = cur.getName().isEmpty() ? "#" + curIndex : cur.getName();
    return "node '" + name + "' (" + cur.getOpType() + ")";
  }

  AttributeProto attr(String name) {
    for (AttributeProto a : cur.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  long attrInt(String name, long def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getI();
  }

  float attrFloat(String name, float def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getF();
  }

  long[] attrInts(String name) {
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

  String attrString(String name, String def) {
    AttributeProto a = attr(name);
    return a == null ? def : a.getS().toString(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- values

  Value in(int i) {
    if (i >= cur.getInputCount() || cur.getInput(i).isEmpty()) {
      return null;
    }
    Value v = values.get(cur.getInput(i));
    if (v == null) {
      throw fail("reads '" + cur.getInput(i) + "', which has no value");
    }
    return v;
  }

  Dyn dynIn(int i) {
    Value v = in(i);
    if (v == null) {
      throw fail("input " + i + " is missing");
    }
    if (v instanceof ActivationQuant.Partial p) {
      throw fail("reads '" + cur.getInput(i) + "', the " + p.op() + " of an activation, which"
          + " only a " + p.next() + " may read");
    }
    if (!(v instanceof Dyn d)) {
      throw fail("expects an activation as input " + i + ", got the constant '"
          + cur.getInput(i) + "'");
    }
    return d;
  }

  Const constIn(int i, String what) {
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

  Const optConst(int i, String what) {
    return in(i) == null ? null : constIn(i, what);
  }

  long[] constInts(int i, String what) {
    Const c = optConst(i, what);
    return c == null ? null : c.toLongs();
  }

  void out(int i, Value v) {
    values.put(cur.getOutput(i), v);
  }

  boolean outputUsed(int i) {
    return i < cur.getOutputCount() && !cur.getOutput(i).isEmpty()
        && uses.getOrDefault(cur.getOutput(i), 0) > 0;
  }

  int usesOfInput(int i) {
    return uses.getOrDefault(cur.getInput(i), 0);
  }

  int[] phys(Dyn d) {
    return d.src.equals(Graph.INPUT) ? inputShape : byName.get(d.src).out;
  }

  /** Axes of Squeeze/Unsqueeze: an attribute before opset 13, an input from 13 on. */
  long[] axes(boolean required) {
    long[] a = opset >= 13 ? constInts(1, "axes") : attrInts("axes");
    if (a == null && required) {
      throw fail("has no axes");
    }
    return a;
  }

  /** Identity: the same activation; it stays foldable when nothing else reads it. */
  Dyn alias(Dyn x) {
    if (x.linear != null && usesOfInput(0) != 1) {
      return new Dyn(x.src, x.shape, x.perm, x.scale, x.shift, null, x.quant);
    }
    return x;
  }

  void noAffine(Dyn x) {
    if (x.hasAffine()) {
      throw fail("reads an activation scaled or shifted by a constant that cannot fold into a"
          + " neighbouring Gemm, MatMul, Conv or BatchNormalization; Whittle needs an affine"
          + " layer for it");
    }
  }

  // ---------------------------------------------------------------- node creation

  /** A unique layer name for the current node; see {@link LayerNames#forNode}. */
  String nameFor(String weight, String kind) {
    return names.forNode(cur, weight, kind);
  }

  /** Checks that a layer that reads (C, H, W) in memory order gets exactly that. */
  int[] layout(Dyn x, int rank, String what) {
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

  LNode add(LNode.Kind kind, String name, List<String> inputs, int[] outShape) {
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
}
