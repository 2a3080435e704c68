package dev.whittle.onnx;

import static dev.whittle.onnx.ExportGraph.attr;

import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import java.util.List;

/**
 * {@link WeightForm#QDQ}: a weight whose last constraint is an exact {@link QuantizedWeights}
 * (AFFINE or SIGN form) is written as its integer codes with a {@code DequantizeLinear}:
 *
 * <pre>
 *   fc1.weight_quantized  int8 (out, in)  the codes q
 *   fc1.weight_scale      float (out)     scale[c]
 *   fc1.weight_zero_point int8 (out)      zeroPoint[c]
 *   fc1.weight = DequantizeLinear(q, scale, zero_point, axis=0)   (q - zp[c]) * scale[c]
 * </pre>
 *
 * SIGN weights become the codes +-1 with zero point 0; AFFINE codes keep their zero points, so a
 * pruned weight (value 0) has the code equal to its channel's zero point. When every channel has
 * the same scale and zero point (per-tensor quantization) both are scalars and there is no axis.
 *
 * <p>Codes of fewer than 8 bits (4-bit, ternary, binary) are still stored one per int8 element:
 * opset {@value OnnxExporter#OPSET} has no int4 type (INT4 arrived in opset 21), so the file is
 * about a quarter of float32, not smaller. Codes that do not fit int8 (unsigned 8-bit codes) use
 * uint8.
 *
 * <p>ONNX Runtime's {@code DequantizeLinear} computes {@code float(q - zp) * scale} in float32,
 * Whittle's weight value is the same expression, so the dequantized weight equals the weight the
 * forward pass sees bit for bit. The form is checked element by element; a parameter it would not
 * reproduce exactly, LOGIC weights (an offset per channel, which DequantizeLinear cannot add) and
 * parameters without quantization are written as float32 ({@link WeightForm#DENSE_F32}).
 */
final class QdqWeights {
  private QdqWeights() {}

  static String emit(ExportGraph g, String name, Parameter p) {
    QuantizedWeights q = quantized(p);
    int[] dims = p.value().shape();
    if (q == null || !q.exact() || dims.length < 1 || dims[0] != q.channels()) {
      return WeightForm.DENSE_F32.emit(g, name, p);
    }
    float[] v = p.value().data();
    int channels = q.channels();
    int per = v.length / channels;
    boolean sign = q.form() == QuantizedWeights.Form.SIGN;
    float[] scale = q.scale().clone();
    int[] zp = sign ? new int[channels] : q.zeroPoint().clone();
    int[] codes = new int[v.length];
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int c = 0; c < channels; c++) {
      boolean allZero = true;
      for (int i = c * per; i < (c + 1) * per; i++) {
        codes[i] = sign ? q.integer(v[i], c) : q.code(v[i], c);
        allZero &= codes[i] == zp[c];
        lo = Math.min(lo, codes[i]);
        hi = Math.max(hi, codes[i]);
      }
      if (allZero && !(scale[c] > 0f)) {
        scale[c] = 1f; // a channel of zeros (all pruned) may have scale 0; any scale gives 0
      }
      lo = Math.min(lo, zp[c]);
      hi = Math.max(hi, zp[c]);
      for (int i = c * per; i < (c + 1) * per; i++) {
        if ((float) (codes[i] - zp[c]) * scale[c] != v[i]) {
          return WeightForm.DENSE_F32.emit(g, name, p);
        }
      }
    }
    int type = lo >= Byte.MIN_VALUE && hi <= Byte.MAX_VALUE ? DataTypes.INT8
        : lo >= 0 && hi <= 255 ? DataTypes.UINT8 : DataTypes.UNDEFINED;
    if (type == DataTypes.UNDEFINED) {
      return WeightForm.DENSE_F32.emit(g, name, p);
    }
    String out = g.fresh(name);
    String qn = g.raw(name + "_quantized", type, dims, bytes(codes));
    boolean perTensor = uniform(scale, zp);
    int[] pd = perTensor ? new int[0] : new int[] {channels};
    String sn = g.floats(name + "_scale", pd, perTensor ? new float[] {scale[0]} : scale);
    String zn = g.raw(name + "_zero_point", type, pd, bytes(perTensor ? new int[] {zp[0]} : zp));
    if (perTensor) {
      g.node("DequantizeLinear", out, List.of(qn, sn, zn), List.of(out));
    } else {
      g.node("DequantizeLinear", out, List.of(qn, sn, zn), List.of(out), attr("axis", 0L));
    }
    return out;
  }

  /** The parameter's quantized form: its last {@link QuantizedWeights} constraint, or null. */
  static QuantizedWeights quantized(Parameter p) {
    return p.constraint(QuantizedWeights.class);
  }

  private static boolean uniform(float[] scale, int[] zp) {
    for (int c = 1; c < scale.length; c++) {
      if (Float.compare(scale[c], scale[0]) != 0 || zp[c] != zp[0]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(int[] codes) {
    byte[] b = new byte[codes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) codes[i];
    }
    return b;
  }
}
