package dev.whittle.onnx;

import com.google.protobuf.ByteString;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.OperatorSetIdProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.onnx.proto.Onnx.TensorShapeProto;
import dev.whittle.onnx.proto.Onnx.TypeProto;
import dev.whittle.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Builds small ONNX models by hand for tests. */
final class G {
  final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
  final int opset;
  final Random rnd;

  G(int opset) {
    this.opset = opset;
    this.rnd = new Random(opset * 31L + 7);
  }

  /** An input; a String dimension is symbolic (the batch). */
  G input(String name, Object... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder b = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String p) {
        b.setDimParam(p);
      } else {
        b.setDimValue(((Number) d).longValue());
      }
      s.addDim(b);
    }
    g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
    return this;
  }

  G output(String name) {
    g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
    return this;
  }

  static TensorProto floats(String name, int[] dims, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(b.array()));
    for (int d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  G init(String name, int[] dims, float... data) {
    g.addInitializer(floats(name, dims, data));
    return this;
  }

  /** An initializer of seeded random values in [-scale, scale]. */
  G random(String name, float scale, int... dims) {
    float[] d = new float[Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (rnd.nextFloat() * 2 - 1) * scale;
    }
    return init(name, dims, d);
  }

  G longs(String name, int[] dims, long... data) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7);
    for (int d : dims) {
      t.addDims(d);
    }
    for (long v : data) {
      t.addInt64Data(v);
    }
    g.addInitializer(t);
    return this;
  }

  G tensor(TensorProto t) {
    g.addInitializer(t);
    return this;
  }

  /** A node; inputs and outputs comma-separated ("" for an omitted optional input). */
  G node(String op, String inputs, String outputs, AttributeProto... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_"
        + g.getNodeCount());
    n.addAllInput(split(inputs)).addAllOutput(split(outputs));
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    g.addNode(n);
    return this;
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.stream(s.split(",", -1)).map(String::trim).toList();
  }

  ModelProto model() {
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g).build();
  }

  byte[] bytes() {
    return model().toByteArray();
  }

  static AttributeProto i(String name, long v) {
    return ExportGraph.attr(name, v);
  }

  static AttributeProto f(String name, float v) {
    return ExportGraph.attr(name, v);
  }

  static AttributeProto s(String name, String v) {
    return ExportGraph.attr(name, v);
  }

  static AttributeProto ints(String name, long... v) {
    return ExportGraph.ints(name, v);
  }

  static AttributeProto tensor(String name, TensorProto t) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
        .setT(t).build();
  }
}
