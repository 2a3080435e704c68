package dev.whittle.onnx;

import static dev.whittle.onnx.G.f;
import static dev.whittle.onnx.G.i;
import static dev.whittle.onnx.G.ints;
import static dev.whittle.onnx.G.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.whittle.InputException;
import dev.whittle.nn.Model;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.plan.Plan;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hand-built graphs of the patterns exporters write: each imports, and Whittle's plan agrees
 * with ONNX Runtime running the original graph within 1e-4.
 */
class OnnxFoldingTest {
  static final int N = 3;

  /** Imports, compares with ONNX Runtime, returns the model's layer kinds. */
  static List<String> agrees(G g, int... sample) {
    byte[] bytes = g.bytes();
    Model m = OnnxImporter.fromBytes(bytes, "t.onnx", OnnxImporter.Options.defaults());
    float[] x = new float[N * Ort.size(sample)];
    Random r = new Random(5);
    for (int k = 0; k < x.length; k++) {
      x[k] = r.nextFloat() * 2 - 1;
    }
    float[] ort = Ort.run(bytes, x, N, sample);
    float[] plan = Plan.compile(m).predict(x, N);
    float diff = Ort.maxAbsDiff(ort, plan);
    assertTrue(diff <= 1e-4f, "max abs difference " + diff);
    return m.graph().nodes().stream().map(n -> n.layer().kind()).toList();
  }

  @Test
  void gemmAttributesAndMatMulBias() {
    G g = new G(13).input("x", "batch", 6).output("y")
        .random("b", 1f, 6, 5).random("c", 1f, 1, 5)
        .node("Gemm", "x, b, c", "h", f("alpha", 0.5f), f("beta", 2f))
        .node("Relu", "h", "r").random("w", 1f, 5, 4).random("bias", 1f, 4)
        .node("MatMul", "r, w", "m").node("Add", "bias, m", "y");
    assertEquals(List.of("dense", "relu", "dense"), agrees(g, 6));
  }

  @Test
  void inputNormalizationFoldsIntoTheFirstLayer() {
    G mlp = new G(9).input("x", "N", 1, 4, 4).output("y")
        .random("mean", 0.5f, 1, 1, 4, 4).init("std", new int[] {}, 0.3f)
        .node("Sub", "x, mean", "a").node("Div", "a, std", "b")
        .node("Flatten", "b", "flat").random("w", 1f, 3, 16).random("c", 1f, 3)
        .node("Gemm", "flat, w, c", "y", i("transB", 1));
    assertEquals(List.of("flatten", "dense"), agrees(mlp, 1, 4, 4));
    G conv = new G(13).input("x", "N", 3, 6, 6).output("y")
        .random("scale", 2f, 1, 3, 1, 1).random("shift", 1f, 3, 1, 1)
        .node("Mul", "x, scale", "a").node("Add", "a, shift", "b")
        .random("w", 1f, 4, 3, 3, 3).node("Conv", "b, w", "y");
    assertEquals(List.of("conv2d"), agrees(conv, 3, 6, 6));
    G scaled = new G(13).input("x", "N", 3, 6, 6).output("y")
        .random("scale", 2f, 3, 1, 1).node("Mul", "scale, x", "a")
        .random("w", 1f, 4, 3, 3, 3).node("Conv", "a, w", "y", ints("pads", 1, 1, 1, 1));
    assertEquals(List.of("conv2d"), agrees(scaled, 3, 6, 6));
  }

  @Test
  void shiftBeforeAPaddedConvIsRefused() {
    G g = new G(13).input("x", "N", 3, 6, 6).output("y")
        .random("shift", 1f, 3, 1, 1).node("Sub", "x, shift", "a")
        .random("w", 1f, 4, 3, 3, 3).node("Conv", "a, w", "y", ints("pads", 1, 1, 1, 1));
    InputException e = assertThrows(InputException.class,
        () -> OnnxImporter.fromBytes(g.bytes(), "t.onnx", OnnxImporter.Options.defaults()));
    assertTrue(e.getMessage().contains("cannot fold into the weights exactly"), e.getMessage());
  }

  @Test
  void constantsAfterALayerFoldIntoItsWeights() {
    G g = new G(13).input("x", "N", 2, 5, 5).output("y")
        .random("w", 1f, 4, 2, 3, 3).random("b", 1f, 4)
        .node("Conv", "x, w, b", "c").random("s", 2f, 1, 4, 1, 1).node("Mul", "c, s", "cs")
        .init("g", new int[] {4}, 1f, 2f, 0.5f, 1.5f).random("beta", 1f, 4)
        .random("mu", 1f, 4).init("var", new int[] {4}, 1f, 2f, 3f, 4f)
        .node("BatchNormalization", "cs, g, beta, mu, var", "bn")
        .random("t", 1f, 4, 1, 1).node("Add", "bn, t", "bt").node("Relu", "bt", "r")
        .init("k", new int[] {}, 3f).node("Mul", "r, k", "rk").node("Flatten", "rk", "f")
        .random("w2", 1f, 36, 5).node("MatMul", "f, w2", "m").init("two", new int[] {1}, 2f)
        .node("Div", "m, two", "y");
    assertEquals(List.of("conv2d", "batchnorm", "relu", "flatten", "dense"), agrees(g, 2, 5, 5));
  }

  @Test
  void quantizedWeightsFoldToFloats() {
    G qdq = new G(13).input("x", "N", 8).output("y")
        .random("w", 1f, 8, 4).random("sc", 0.02f, 4);
    // QuantizeLinear then DequantizeLinear on a float weight (fake quantization), per column.
    TensorProto zp = TensorProto.newBuilder().setName("zp8").setDataType(3).addDims(4)
        .setRawData(ByteString.copyFrom(new byte[] {0, 1, -1, 2})).build();
    qdq.tensor(zp).node("QuantizeLinear", "w, sc, zp8", "wq", i("axis", 1))
        .node("DequantizeLinear", "wq, sc, zp8", "wd", i("axis", 1))
        .node("MatMul", "x, wd", "y");
    // Scales of 0..0.02 quantize coarsely; the point is the same arithmetic as ORT.
    assertEquals(List.of("dense"), agrees(qdq, 8));
    byte[] q = new byte[6 * 8];
    new Random(3).nextBytes(q);
    TensorProto w = TensorProto.newBuilder().setName("wq").setDataType(3).addDims(6).addDims(8)
        .setRawData(ByteString.copyFrom(q)).build();
    G blocked = new G(21).input("x", "N", 8).output("y").tensor(w)
        .random("sc", 0.05f, 6, 2)
        .node("DequantizeLinear", "wq, sc", "wd", i("axis", 1), i("block_size", 4))
        .node("Gemm", "x, wd", "y", i("transB", 1));
    assertEquals(List.of("dense"), agrees(blocked, 8));
    TensorProto u8 = TensorProto.newBuilder().setName("wq").setDataType(2).addDims(8).addDims(3)
        .setRawData(ByteString.copyFrom(java.util.Arrays.copyOf(q, 24))).build();
    TensorProto z8 = TensorProto.newBuilder().setName("z").setDataType(2)
        .setRawData(ByteString.copyFrom(new byte[] {(byte) 128})).build();
    G perTensor = new G(10).input("x", "N", 8).output("y").tensor(u8).tensor(z8)
        .init("sc", new int[] {}, 0.01f).node("DequantizeLinear", "wq, sc, z", "wd")
        .node("MatMul", "x, wd", "y");
    assertEquals(List.of("dense"), agrees(perTensor, 8));
  }

  @Test
  void shapeSubGraphsFold() {
    G g = new G(15).input("x", "N", 2, 3, 4).output("y")
        .node("Shape", "x", "s", i("start", 0)).longs("zero", new int[] {}, 0)
        .node("Gather", "s, zero", "n", i("axis", 0)).longs("ax", new int[] {1}, 0)
        .node("Unsqueeze", "n, ax", "n1").node("Shape", "x", "rest", i("start", 1))
        .longs("st", new int[] {1}, 0).longs("en", new int[] {1}, 2)
        .node("Slice", "rest, st, en", "sl").node("Cast", "sl", "slf", i("to", 1))
        .node("Cast", "slf", "sli", i("to", 7))
        .longs("m1", new int[] {1}, -1).node("Concat", "n1, sli, m1", "shape", i("axis", 0))
        .node("Reshape", "x, shape", "r")
        .longs("flat", new int[] {2}, 0, -1).node("Reshape", "r, flat", "f")
        .random("w", 1f, 24, 3).node("MatMul", "f, w", "y");
    assertEquals(List.of("flatten", "dense"), agrees(g, 2, 3, 4));
  }

  @Test
  void viewsAndPooling() {
    G g = new G(13).input("x", "N", 2, 6, 6).output("y")
        .random("w", 1f, 3, 2, 3, 3)
        .node("Conv", "x, w", "c", s("auto_pad", "SAME_UPPER"))
        .node("LeakyRelu", "c", "l")
        .node("MaxPool", "l", "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2),
            i("ceil_mode", 1))
        .node("ReduceMean", "p", "gap", ints("axes", 2, 3), i("keepdims", 0))
        .longs("u", new int[] {1}, 2).node("Unsqueeze", "gap, u", "g3")
        .node("Squeeze", "g3, u", "g2")
        .random("w2", 1f, 4, 3).node("Gemm", "g2, w2", "a", i("transB", 1))
        .node("Sigmoid", "a", "s1").node("Tanh", "a", "t1").node("Sum", "s1, t1, a", "sum")
        .node("Dropout", "sum", "d").node("Identity", "d", "y");
    assertEquals(List.of("conv2d", "leaky_relu", "maxpool2d", "avgpool2d", "flatten", "dense",
        "sigmoid", "tanh", "add", "dropout"), agrees(g, 2, 6, 6));
    G global = new G(11).input("x", "N", 2, 4, 4).output("y")
        .node("GlobalMaxPool", "x", "m").node("Flatten", "m", "f", i("axis", 1))
        .random("w", 1f, 2, 3).node("MatMul", "f, w", "mm")
        .node("Softmax", "mm", "y", i("axis", 1));
    assertEquals(List.of("maxpool2d", "flatten", "dense", "softmax"), agrees(global, 2, 4, 4));
  }

  @Test
  void transposedActivationFoldsIntoTheDense() {
    G g = new G(13).input("x", "N", 2, 3, 3).output("y")
        .random("w", 1f, 4, 2, 2, 2).node("Conv", "x, w", "c").node("Relu", "c", "r")
        .node("Transpose", "r", "t", ints("perm", 0, 2, 3, 1))
        .longs("s", new int[] {2}, -1, 16).node("Reshape", "t, s", "f")
        .random("w2", 1f, 16, 5).node("MatMul", "f, w2", "y");
    assertEquals(List.of("conv2d", "relu", "flatten", "dense"), agrees(g, 2, 3, 3));
  }

  @Test
  void constantNodesAndOpset12Dropout() {
    TensorProto shape = TensorProto.newBuilder().setDataType(7).addDims(2).addInt64Data(0)
        .addInt64Data(-1).build();
    G g = new G(12).input("x", "N", 1, 2, 3).output("y")
        .node("Constant", "", "shape", G.tensor("value", shape))
        .node("Reshape", "x, shape", "f")
        .node("Constant", "", "w", G.tensor("value", G.floats("", new int[] {6, 2},
            new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})))
        .node("MatMul", "f, w", "m").init("ratio", new int[] {}, 0.2f)
        .node("Dropout", "m, ratio", "d").node("Relu", "d", "y");
    assertEquals(List.of("flatten", "dense", "dropout", "relu"), agrees(g, 1, 2, 3));
  }

  @Test
  void exportedImageSoftmaxNormalizesTheWholeSample() {
    java.util.List<dev.whittle.nn.Graph.Node> nodes = List.of(
        new dev.whittle.nn.Graph.Node("conv1", new dev.whittle.nn.Conv2d(1, 2, 3, 3, 1, 1, true),
            List.of("input")),
        new dev.whittle.nn.Graph.Node("softmax", new dev.whittle.nn.Softmax(), List.of("conv1")));
    Model m = new Model(new dev.whittle.nn.Graph(new int[] {1, 4, 4}, nodes));
    Models.randomize(m, 9);
    byte[] bytes = OnnxExporter.standard().toBytes(m);
    float[] x = new float[N * 16];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.cos(k);
    }
    float diff = Ort.maxAbsDiff(Ort.run(bytes, x, N, new int[] {1, 4, 4}),
        Plan.compile(m).predict(x, N));
    assertTrue(diff <= 1e-6f, "max abs difference " + diff);
    Model back = OnnxImporter.fromBytes(bytes, "s.onnx", OnnxImporter.Options.defaults());
    assertEquals(List.of("conv2d", "flatten", "softmax"),
        back.graph().nodes().stream().map(n -> n.layer().kind()).toList());
  }
}
