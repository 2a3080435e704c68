package dev.whittle.onnx;

import static dev.whittle.onnx.ExportGraph.attr;
import static dev.whittle.onnx.ExportGraph.ints;

import dev.whittle.InputException;
import dev.whittle.compress.quantize.QParams;
import dev.whittle.compress.quantize.SignInput;
import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.FunctionProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.OperatorSetIdProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@link InputQuantizer} of a Dense or Conv2d layer in front of its Gemm or Conv, so
 * that ONNX Runtime computes Whittle's input codes exactly:
 *
 * <ul>
 *   <li>static and tracking {@link UniformInput} (per tensor, unsigned codes 0..2^b - 1):
 *       {@code QuantizeLinear(x, scale, zp uint8) -> DequantizeLinear}, the standard QDQ pair.
 *       QuantizeLinear's formula {@code saturate(rint(x / scale) + zp)} is Whittle's; uint8
 *       saturates at 255, so for b &lt; 8 bits a {@code Clip(x, max = (2^b - 1 - zp) * scale)}
 *       comes first: rint of that bound over the scale is exactly {@code 2^b - 1 - zp}, so every
 *       larger x gets the top code, as Whittle's clamp gives it;
 *   <li>dynamic {@link UniformInput}: Whittle measures each sample's range, ONNX's
 *       DynamicQuantizeLinear the whole batch's (and only 8-bit asymmetric), so a batch would
 *       change every sample's codes. Instead a model-local function {@code
 *       dev.whittle:DynamicQuantizeRows<b>[Symmetric]} computes, per sample (ReduceMin and
 *       ReduceMax over all but the batch axis), {@link QParams#fromRange}'s scale and zero point
 *       and then {@code (clip(round(x / s) + zp, 0, 2^b - 1) - zp) * s} with element-wise
 *       operators: the same float32 operations in the same order, so the same codes;
 *   <li>{@link SignInput}: {@code Where(GreaterOrEqual(x, 0), 1, -1)}.
 * </ul>
 *
 * The dequantized input then meets the dequantized weights in a float Gemm or Conv; Whittle sums
 * the integer products exactly and scales once, so outputs differ by float rounding only. That
 * last-bit difference moves a value across a code boundary of the next quantizer now and then
 * (about 1% of MNIST test images in int8 lenet5, by a code step), and often where codes tie
 * exactly: symmetric codes put -amax on -127.5, and without a bias a sample's outputs are all
 * multiples of one scale.
 *
 * <p>ONNX Runtime may fuse such a layer into an integer kernel (QLinearConv, QGemm) when the
 * layer's output reaches another QuantizeLinear (it quantizes a float bias to int32 itself);
 * the fused kernel requantizes in its own arithmetic, and its u8s8 products saturate on x86
 * CPUs without VNNI (VPMADDUBSW adds two u8 x s8 products in int16), which full-range int8
 * weights reach. The session option {@code session.disable_quant_qdq = 1} keeps it on the
 * dequantize-then-float path that the ONNX operators define, which gives Whittle's codes.
 */
final class QdqInputs {
  private QdqInputs() {}

  /**
   * Adds the nodes that quantize and dequantize {@code x} as {@code q} does for layer {@code
   * layer}; returns the dequantized value, or {@code x} when the input stays float.
   */
  static String write(ExportGraph g, String layer, String x, InputQuantizer q) {
    if (q == null || !q.active()) {
      return x;
    }
    if (q instanceof SignInput) {
      return sign(g, layer, x);
    }
    if (!(q instanceof UniformInput u)) {
      throw new InputException("layer '" + layer + "' quantizes its input with '" + q.kind()
          + "', which has no ONNX export");
    }
    if (u.bits() < 2 || u.bits() > 8) {
      throw new InputException("layer '" + layer + "' quantizes its input to " + u.bits()
          + " bits; ONNX opset " + OnnxExporter.OPSET + " holds 2 to 8-bit codes");
    }
    return u.mode() == UniformInput.Mode.DYNAMIC ? dynamic(g, layer, x, u) : fixed(g, layer, x, u);
  }

  private static String fixed(ExportGraph g, String layer, String x, UniformInput u) {
    QParams p = u.params();
    float s = p.scale(0);
    int zp = p.zeroPoint(0);
    String base = layer + ".input";
    String in = x;
    if (p.qmax() < 255) {
      String hi = g.scalar(base + "_max", (float) (p.qmax() - zp) * s);
      in = g.fresh(layer + "/input_clip");
      g.node("Clip", in, List.of(x, "", hi), List.of(in));
    }
    String sn = g.scalar(base + "_scale", s);
    String zn = g.raw(base + "_zero_point", DataTypes.UINT8, new int[0], new byte[] {(byte) zp});
    String qv = g.fresh(layer + "/input_quantize");
    g.node("QuantizeLinear", qv, List.of(in, sn, zn), List.of(qv));
    String dv = g.fresh(layer + "/input_dequantize");
    g.node("DequantizeLinear", dv, List.of(qv, sn, zn), List.of(dv));
    return dv;
  }

  private static String sign(ExportGraph g, String layer, String x) {
    String zero = g.scalar(layer + ".input_zero", 0f);
    String one = g.scalar(layer + ".input_one", 1f);
    String minus = g.scalar(layer + ".input_minus_one", -1f);
    String ge = g.fresh(layer + "/input_sign_test");
    g.node("GreaterOrEqual", ge, List.of(x, zero), List.of(ge));
    String out = g.fresh(layer + "/input_sign");
    g.node("Where", out, List.of(ge, one, minus), List.of(out));
    return out;
  }

  private static String dynamic(ExportGraph g, String layer, String x, UniformInput u) {
    String name = dynamicName(u.bits(), u.symmetric());
    String out = g.fresh(layer + "/input_quantize");
    g.call(name, () -> dynamicBody(name, u.bits(), u.symmetric()), out, List.of(x),
        List.of(out));
    return out;
  }

  /** {@code DynamicQuantizeRows8}, {@code DynamicQuantizeRows4Symmetric}. */
  static String dynamicName(int bits, boolean symmetric) {
    return "DynamicQuantizeRows" + bits + (symmetric ? "Symmetric" : "");
  }

  /**
   * The body of the per-sample quantizer, {@code x -> y} of the same shape. Every line is one
   * float32 operation of {@link QParams#fromRange} (unsigned codes) and {@link QParams#quantize}.
   */
  static FunctionProto dynamicBody(String name, int bits, boolean symmetric) {
    int qmax = (1 << bits) - 1;
    Body b = new Body();
    b.op("Flatten", List.of("x"), "x2", attr("axis", 1L)); // (N, features)
    b.op("ReduceMin", List.of("x2"), "min", ints("axes", 1), attr("keepdims", 1L)); // (N, 1)
    b.op("ReduceMax", List.of("x2"), "max", ints("axes", 1), attr("keepdims", 1L));
    b.constant("zero", 0f);
    b.constant("qmax", qmax);
    b.constant("eps", QParams.EPS);
    b.op("Min", List.of("min", "zero"), "lo"); // the range always holds 0
    b.op("Max", List.of("max", "zero"), "hi");
    if (symmetric) {
      b.op("Neg", List.of("lo"), "neg_lo");
      b.op("Max", List.of("neg_lo", "hi"), "amax");
      b.constant("half", qmax / 2f);
      b.op("Div", List.of("amax", "half"), "s0"); // max(-lo, hi) / ((qmax - qmin) / 2f)
      b.constant("zp", 1 << (bits - 1));
    } else {
      b.op("Sub", List.of("hi", "lo"), "span");
      b.op("Div", List.of("span", "qmax"), "s0"); // (hi - lo) / (qmax - qmin)
    }
    b.op("Max", List.of("s0", "eps"), "s"); // floored at EPS
    if (!symmetric) {
      b.op("Div", List.of("lo", "s"), "lo_s"); // zp = clamp(qmin - rint(lo / s))
      b.op("Round", List.of("lo_s"), "lo_r");
      b.op("Neg", List.of("lo_r"), "zp0");
      b.op("Clip", List.of("zp0", "zero", "qmax"), "zp");
    }
    b.op("Div", List.of("x2", "s"), "t"); // q = clamp(rint(x / s) + zp, 0, qmax)
    b.op("Round", List.of("t"), "r");
    b.op("Add", List.of("r", "zp"), "q0");
    b.op("Clip", List.of("q0", "zero", "qmax"), "q");
    b.op("Sub", List.of("q", "zp"), "code"); // the value (q - zp) * s
    b.op("Mul", List.of("code", "s"), "y2");
    b.op("Shape", List.of("x"), "shape");
    b.op("Reshape", List.of("y2", "shape"), "y");
    return FunctionProto.newBuilder().setName(name).setDomain(ExportGraph.DOMAIN)
        .addInput("x").addOutput("y").addAllNode(b.nodes)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("")
            .setVersion(OnnxExporter.OPSET))
        .setDocString("Whittle's dynamic input quantization: each sample's own min and max, "
            + bits + "-bit unsigned codes" + (symmetric ? ", symmetric" : "")
            + "; y = (q - zp) * s")
        .build();
  }

  /** The nodes of a function body. */
  private static final class Body {
    final List<NodeProto> nodes = new ArrayList<>();

    void op(String type, List<String> in, String out, AttributeProto... a) {
      nodes.add(ExportGraph.nodeProto("", type, out, in, List.of(out), a));
    }

    void constant(String out, float v) {
      op("Constant", List.of(), out, attr("value_float", v));
    }
  }
}
