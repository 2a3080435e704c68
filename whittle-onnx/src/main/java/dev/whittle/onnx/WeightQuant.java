package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.compress.quantize.UniformWeights;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.ConstraintFactory;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Quantized weights read back: a weight that a DequantizeLinear made from integer codes (per
 * tensor, or per output channel) becomes a Dense or Conv2d weight with a frozen {@link
 * UniformWeights} constraint of the same scales and zero points, so the imported layer stores
 * codes and, with a quantized input, compiles to an integer kernel again.
 *
 * <p>The constraint is attached only when it changes no weight: every value must be {@code (q -
 * zp) * scale} exactly with q in the narrow signed range of the fewest bits (2 to 8) that hold all
 * codes and zero points (uint8 codes are shifted by -128, which keeps every value). So ternary and
 * binary weights come back as 2-bit codes (-1, 0, 1) and 4-bit weights as 4-bit codes; weights
 * later changed by a folded constant operation stay plain floats.
 */
final class WeightQuant {
  private final float[] scale; // (outs)
  private final int[] zeroPoint; // (outs), signed

  private WeightQuant(float[] scale, int[] zeroPoint) {
    this.scale = scale;
    this.zeroPoint = zeroPoint;
  }

  /**
   * The quantization of a weight whose output channels lie along {@code outAxis}, or null when it
   * was not dequantized per tensor or along that axis.
   */
  static WeightQuant perOutput(Const w, int outAxis, int outs) {
    Const.Dequantized d = w.dequantized;
    if (d == null || (d.axis() != -1 && d.axis() != outAxis)) {
      return null;
    }
    int bits = DataTypes.bits(d.codeType());
    boolean unsigned = DataTypes.min(d.codeType()) == 0;
    if (bits == 0 || bits > 16 || DataTypes.isFloat(d.codeType())) {
      return null;
    }
    int shift = unsigned ? -(1 << (bits - 1)) : 0;
    float[] scale = new float[outs];
    int[] zp = new int[outs];
    for (int c = 0; c < outs; c++) {
      int k = d.axis() == -1 ? 0 : c;
      scale[c] = d.scale()[k];
      zp[c] = (int) d.zeroPoint()[k] + shift;
    }
    return new WeightQuant(scale, zp);
  }

  /** Attaches the constraint to {@code p} when it reproduces every weight (see the class). */
  static void attach(WeightQuant q, Parameter p) {
    if (q == null) {
      return;
    }
    float[] w = p.latent().data();
    int outs = q.scale.length;
    int per = w.length / outs;
    int largest = 0;
    boolean symmetric = true;
    boolean perTensor = true;
    for (int c = 0; c < outs; c++) {
      float s = q.scale[c];
      int zp = q.zeroPoint[c];
      if (!(s > 0f) || Float.isInfinite(s)) {
        return;
      }
      symmetric &= zp == 0;
      perTensor &= Float.compare(s, q.scale[0]) == 0 && zp == q.zeroPoint[0];
      largest = Math.max(largest, Math.abs(zp));
      for (int i = c * per; i < (c + 1) * per; i++) {
        double code = Math.rint(w[i] / s) + zp; // QParams.quantize before its clamp
        if ((float) (code - zp) * s != w[i] || Math.abs(code) > 127) {
          return;
        }
        largest = Math.max(largest, (int) Math.abs(code));
      }
    }
    int bits = 2;
    while ((1 << (bits - 1)) - 1 < largest) {
      bits++;
    }
    float[] zpf = new float[outs];
    for (int c = 0; c < outs; c++) {
      zpf[c] = q.zeroPoint[c];
    }
    Map<String, Object> config = Map.of("bits", (long) bits, "symmetric", symmetric ? 1L : 0L,
        "per_channel", perTensor ? 0L : 1L, "channels", (long) outs);
    Map<String, Tensor> tensors = Map.of("scale", Tensor.of(new int[] {outs}, q.scale.clone()),
        "zero_point", Tensor.of(new int[] {outs}, zpf));
    ConstraintFactory f = ConstraintFactory.forKind(UniformWeights.KIND);
    if (f == null) {
      return;
    }
    Constraint c;
    try {
      c = f.create(UniformWeights.KIND, config, tensors, p.latent());
    } catch (InputException e) {
      return; // parameters Whittle's quantizer cannot hold: the weights stay float
    }
    p.addConstraint(c);
    p.refresh();
  }
}
