package dev.whittle.onnx;

import static dev.whittle.onnx.OnnxQdqTest.IMAGE;
import static dev.whittle.onnx.OnnxQdqTest.N;
import static dev.whittle.onnx.OnnxQdqTest.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.quantize.QParams;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.plan.Plan;
import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A quantized model exported in QDQ form imports back as the same quantized model: the same
 * input quantizers (kind, mode, bits, scale and zero point), weights with their codes as a frozen
 * uniform constraint, no extra bias, and bit for bit the same outputs.
 */
class OnnxQdqRoundTripTest {
  static Model roundTrip(Model m) {
    return OnnxImporter.fromBytes(OnnxExporter.standard().toBytes(m), "qdq.onnx",
        OnnxImporter.Options.defaults());
  }

  static InputQuantizer input(Graph.Node n) {
    return n.layer() instanceof Dense d ? d.inputQuantizer()
        : n.layer() instanceof Conv2d c ? c.inputQuantizer() : null;
  }

  /**
   * Same layers, parameters, quantizers and outputs: simulated bit for bit, compiled bit for bit
   * when every weighted layer runs on integers (else the plan may pick another float kernel for
   * the same weights, a ternary one before and a dense one after, which round differently).
   */
  static void assertSame(String what, Model a, Model b) {
    assertEquals(a.paramCount(), b.paramCount(), what + ": parameters");
    assertEquals(a.nonZeroParams(), b.nonZeroParams(), what + ": non-zero parameters");
    // A Dense reading an image gets a Flatten layer on import (as in float round trips).
    List<Graph.Node> an = a.graph().nodes().stream()
        .filter(n -> !n.layer().kind().equals("flatten")).toList();
    List<Graph.Node> bn = b.graph().nodes().stream()
        .filter(n -> !n.layer().kind().equals("flatten")).toList();
    assertEquals(an.size(), bn.size(), what);
    for (int i = 0; i < an.size(); i++) {
      Graph.Node x = an.get(i);
      Graph.Node y = bn.get(i);
      assertEquals(x.name(), y.name(), what);
      InputQuantizer qx = input(x);
      InputQuantizer qy = input(y);
      assertEquals(qx == null ? null : qx.kind(), qy == null ? null : qy.kind(),
          what + ": " + x.name() + " input quantizer");
      if (qx instanceof UniformInput ux) {
        UniformInput uy = (UniformInput) qy;
        assertEquals(ux.bits(), uy.bits(), what + ": " + x.name());
        assertEquals(ux.mode() == UniformInput.Mode.DYNAMIC, uy.mode() == UniformInput.Mode.DYNAMIC,
            what + ": " + x.name());
        if (ux.mode() != UniformInput.Mode.DYNAMIC) {
          assertEquals(ux.params().scale(0), uy.params().scale(0), what + ": " + x.name());
          assertEquals(ux.params().zeroPoint(0), uy.params().zeroPoint(0), what + ": " + x.name());
        }
      }
      for (int p = 0; p < x.layer().parameters().size(); p++) {
        Parameter px = x.layer().parameters().get(p);
        Parameter py = y.layer().parameters().get(p);
        assertArrayEquals(px.value().data(), py.value().data(), what + ": " + x.name());
        QuantizedWeights wx = QdqWeights.quantized(px);
        QuantizedWeights wy = QdqWeights.quantized(py);
        if (wx != null && wx.exact()) {
          assertTrue(wy != null, what + ": " + x.name() + "." + px.name() + " keeps its codes");
          float[] sx = wx.scale();
          float[] sy = wy.scale();
          for (int c = 0; c < sx.length; c++) {
            // a channel of zeros keeps no scale (it is exported with scale 1)
            assertTrue(sx[c] == sy[c] || sx[c] == 0f, what + ": " + x.name() + " scale " + c);
          }
          assertTrue(wy.bits() <= wx.bits() || wx.bits() < 2, what + ": " + x.name());
        } else {
          assertNull(wy, what + ": " + x.name() + "." + px.name() + " is float");
        }
      }
    }
    float[] in = OnnxQdqTest.data(N, 5).x();
    assertArrayEquals(OnnxQdqTest.simulate(a, in, N), OnnxQdqTest.simulate(b, in, N),
        what + ": simulated outputs");
    float[] pa = Plan.compile(a).predict(in, N);
    float[] pb = Plan.compile(b).predict(in, N);
    boolean integer = a.graph().nodes().stream().allMatch(n -> !(n.layer() instanceof Dense
        || n.layer() instanceof Conv2d) || input(n) != null);
    if (integer) {
      assertArrayEquals(pa, pb, what + ": compiled outputs");
    } else {
      assertTrue(OnnxQdqTest.relative(pb, pa) <= 1e-5f, what + ": compiled outputs");
    }
  }

  @Test
  void everyQuantizationComesBack() {
    for (Model base : List.of(OnnxQdqTest.mlp(21), OnnxQdqTest.cnn(22),
        OnnxQdqTest.mlpWithoutBias(23))) {
      String arch = base.graph().nodes().get(0).name().equals("conv1") ? "cnn" : "mlp";
      for (QuantSpec s : List.of(spec(QuantSpec.Mode.PTQ, 8, true, true, false),
          spec(QuantSpec.Mode.PTQ, 8, false, false, false),
          spec(QuantSpec.Mode.PTQ, 4, true, false, false),
          spec(QuantSpec.Mode.PTQ, 2, false, true, false),
          spec(QuantSpec.Mode.DYNAMIC, 8, true, true, false),
          spec(QuantSpec.Mode.DYNAMIC, 4, false, false, false),
          spec(QuantSpec.Mode.TERNARY, 8, true, true, false),
          spec(QuantSpec.Mode.BINARY, 8, true, true, true),
          spec(QuantSpec.Mode.LOGIC, 8, true, true, false))) {
        Model q = OnnxQdqTest.quantize(base, s);
        String what = arch + " " + s.mode() + " " + s.bits() + (s.perChannel() ? " pc" : "");
        assertSame(what, q, roundTrip(q));
        Model sym = OnnxQdqTest.symmetricInputs(OnnxQdqTest.quantize(base, s));
        assertSame(what + " symmetric inputs", sym, roundTrip(sym));
      }
    }
  }

  @Test
  void prunedQuantizedWeightsComeBackWithTheirZeros() {
    Model base = OnnxQdqTest.cnn(24);
    Models.prune(base, 0.7, 25);
    for (QuantSpec s : List.of(spec(QuantSpec.Mode.PTQ, 8, true, false, false),
        spec(QuantSpec.Mode.TERNARY, 8, true, true, false))) {
      Model q = OnnxQdqTest.quantize(base, s);
      assertSame("pruned " + s.mode(), q, roundTrip(q));
    }
  }

  /**
   * Every scale and zero point that a calibrated range gives (as Whittle's exports hold) is read
   * back from a range that gives it exactly; of arbitrary scales, most are.
   */
  @Test
  void staticParametersAreReproducedExactly() {
    dev.whittle.tensor.Rng rng = new dev.whittle.tensor.Rng(31);
    int misses = 0;
    int arbitrary = 0;
    int n = 20000;
    for (int i = 0; i < n; i++) {
      int bits = 2 + (int) (rng.uniform() * 7);
      float size = (float) Math.exp((rng.uniform() - 0.5) * 30);
      float lo = rng.uniform() < 0.3 ? 0f : (float) (-rng.uniform() * size);
      float hi = rng.uniform() < 0.1 ? 0f : (float) (rng.uniform() * size);
      boolean symmetric = rng.uniform() < 0.3;
      QParams q = QParams.fromRange(lo, hi, bits, symmetric, false);
      misses += reproduced(q.scale(0), q.zeroPoint(0), bits) ? 0 : 1;
      float scale = (float) Math.exp((rng.uniform() - 0.5) * 30);
      arbitrary += reproduced(scale, (int) (rng.uniform() * (1 << bits)), bits) ? 0 : 1;
    }
    System.out.printf("static input parameters read back exactly: %d of %d calibrated, %d of %d"
        + " arbitrary%n", n - misses, n, n - arbitrary, n);
    assertEquals(0, misses);
  }

  private static boolean reproduced(float scale, int zp, int bits) {
    float[] r = ActivationQuant.staticRange(scale, zp, bits);
    boolean symmetric = r[0] == 0f && zp == 1 << (bits - 1);
    QParams q = QParams.fromRange(r[0], r[1], bits, symmetric, false);
    return q.scale(0) == scale && q.zeroPoint(0) == zp;
  }
  private static TensorProto scalar(String name, int type, int v) {
    return TensorProto.newBuilder().setName(name).setDataType(type)
        .setRawData(ByteString.copyFrom(new byte[] {(byte) v})).build();
  }

  /**
   * A QDQ graph as other tools write it: int8 activation codes and per-column int8 MatMul
   * weights; with {@code reluQdq}, also a QDQ pair before a Relu.
   */
  static byte[] foreign(boolean reluQdq) {
    byte[] w = new byte[8 * 4];
    new java.util.Random(3).nextBytes(w);
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) Math.max(-127, w[i]); // Whittle's narrow range
    }
    G g = new G(13).input("x", "N", 8).output("y")
        .init("xs", new int[] {}, 0.01f).tensor(scalar("xz", DataTypes.INT8, -5))
        .node("QuantizeLinear", "x, xs, xz", "xq").node("DequantizeLinear", "xq, xs, xz", "xd")
        .tensor(TensorProto.newBuilder().setName("wq").setDataType(DataTypes.INT8).addDims(8)
            .addDims(4).setRawData(ByteString.copyFrom(w)).build())
        .init("ws", new int[] {4}, 0.01f, 0.02f, 0.005f, 0.03f)
        .node("DequantizeLinear", "wq, ws", "wd", G.i("axis", 1))
        .node("MatMul", "xd, wd", "h").random("b", 1f, 4).node("Add", "h, b", "hb");
    if (reluQdq) {
      g.init("hs", new int[] {}, 0.5f).tensor(scalar("hz", DataTypes.UINT8, 128))
          .node("QuantizeLinear", "hb, hs, hz", "hq").node("DequantizeLinear", "hq, hs, hz", "hd")
          .node("Relu", "hd", "r");
    } else {
      g.node("Relu", "hb", "r");
    }
    return g.random("w2", 1f, 3, 4).node("Gemm", "r, w2", "y", G.i("transB", 1)).bytes();
  }

  /**
   * The imported layer gets the input quantizer (int8 codes shifted to uint8) and the weight
   * constraint, and computes what ONNX Runtime does; a QDQ pair before a Relu is dropped with a
   * note.
   */
  @Test
  void foreignQdqGraphsImport() {
    byte[] bytes = foreign(false);
    Model m = OnnxImporter.fromBytes(bytes, "foreign.onnx", OnnxImporter.Options.defaults());
    Dense fc = (Dense) m.graph().nodes().get(0).layer();
    UniformInput u = (UniformInput) fc.inputQuantizer();
    assertEquals(0.01f, u.params().scale(0));
    assertEquals(123, u.params().zeroPoint(0)); // int8 -5 is uint8 123
    assertEquals(8, QdqWeights.quantized(fc.weight()).bits());
    float[] x = new float[N * 8];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() * 3 - 1.5f;
    }
    float[] ort = Ort.run(bytes, x, N, new int[] {8}, Ort.Mode.NONE, null);
    float[] whittle = m.forward(new dev.whittle.tensor.Tensor(new int[] {N, 8}, x.clone()),
        dev.whittle.nn.Context.EVAL).data();
    assertTrue(OnnxQdqTest.relative(whittle, ort) < 1e-5f, "" + OnnxQdqTest.relative(whittle, ort));
    G flat = new G(13).input("x", "N", 1, 4, 4).output("y").init("s", new int[] {}, 0.02f)
        .node("QuantizeLinear", "x, s", "q").node("DequantizeLinear", "q, s", "d")
        .node("Flatten", "d", "f").random("w", 1f, 3, 16)
        .node("Gemm", "f, w", "y", G.i("transB", 1));
    Model mf = OnnxImporter.fromBytes(flat.bytes(), "flat.onnx", OnnxImporter.Options.defaults());
    assertTrue(mf.graph().nodes().get(1).layer() instanceof Dense fd
        && fd.inputQuantizer() instanceof UniformInput, "through the Flatten");
    Model dropped = OnnxImporter.fromBytes(foreign(true), "foreign.onnx",
        OnnxImporter.Options.defaults());
    assertTrue(dropped.provenance().get("import_notes").contains("is dropped before node"
        + " 'relu_"), dropped.provenance().toString());
  }

  @Test
  void quantizerPatternsWhittleCannotReadFailWithTheNode() {
    G perAxis = new G(13).input("x", "N", 4).output("y").random("s", 0.1f, 4)
        .node("QuantizeLinear", "x, s", "q", G.i("axis", 1))
        .node("DequantizeLinear", "q, s", "d", G.i("axis", 1)).random("w", 1f, 2, 4)
        .node("Gemm", "d, w", "y", G.i("transB", 1));
    OnnxBadInputTest.fails(perAxis.bytes(), "QuantizeLinear", "per axis");
    G other = new G(13).input("x", "N", 4).output("y").init("s", new int[] {}, 0.1f)
        .init("t", new int[] {}, 0.2f).node("QuantizeLinear", "x, s", "q")
        .node("DequantizeLinear", "q, t", "d").random("w", 1f, 2, 4)
        .node("Gemm", "d, w", "y", G.i("transB", 1));
    OnnxBadInputTest.fails(other.bytes(), "DequantizeLinear", "other parameters");
    G clip = new G(13).input("x", "N", 4).output("y").init("s", new int[] {}, 0.1f)
        .init("hi", new int[] {}, 1f).node("Clip", "x, , hi", "c")
        .node("QuantizeLinear", "c, s", "q").node("DequantizeLinear", "q, s", "d")
        .random("w", 1f, 2, 4).node("Gemm", "d, w", "y", G.i("transB", 1));
    OnnxBadInputTest.fails(clip.bytes(), "clipped to code 10", "2^b - 1");
    G codes = new G(13).input("x", "N", 4).output("y").init("s", new int[] {}, 0.1f)
        .node("QuantizeLinear", "x, s", "q").node("Relu", "q", "y");
    OnnxBadInputTest.fails(codes.bytes(), "Relu", "the QuantizeLinear of an activation");
    G where = new G(13).input("x", "N", 4).output("y").init("z", new int[] {}, 0f)
        .init("a", new int[] {}, 2f).init("b", new int[] {}, -1f)
        .node("GreaterOrEqual", "x, z", "c").node("Where", "c, a, b", "y");
    OnnxBadInputTest.fails(where.bytes(), "Where", "sign quantizer");
  }
}
