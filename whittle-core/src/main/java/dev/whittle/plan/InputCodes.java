package dev.whittle.plan;

import dev.whittle.compress.quantize.QParams;
import dev.whittle.compress.quantize.SignInput;
import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.nn.InputQuantizer;

/**
 * How a quantized op turns its float input rows into unsigned byte codes: with the fixed
 * parameters of a static quantizer, with each row's own range (dynamic), or as sign bits (binary
 * activations: code 1 for x &gt;= 0 meaning +1, code 0 meaning -1). The same float32 arithmetic as
 * the layer's {@link InputQuantizer}, so the codes are the simulation's codes.
 */
final class InputCodes {
  private final QParams fixed; // null when dynamic or sign
  private final int bits;
  private final boolean symmetric;
  private final boolean sign;

  InputCodes(InputQuantizer iq) {
    this.sign = iq instanceof SignInput;
    this.bits = iq.bits();
    if (iq instanceof UniformInput q) {
      this.symmetric = q.symmetric();
      this.fixed = q.mode() == UniformInput.Mode.DYNAMIC ? null : q.params();
    } else {
      this.symmetric = false;
      this.fixed = null;
    }
  }

  /** Whether {@code q} is a quantizer the plan compiles. */
  static boolean supported(InputQuantizer q) {
    return q != null && q.active() && (q instanceof SignInput || q instanceof UniformInput);
  }

  boolean sign() {
    return sign;
  }

  /**
   * Codes of n rows of {@code len} values into {@code codes} (unsigned bytes); each row's scale,
   * zero point and code sum into {@code scale}, {@code zp} and {@code sum}.
   */
  void encode(float[] x, int xOff, int n, int len, byte[] codes, float[] scale, int[] zp,
      int[] sum) {
    for (int r = 0; r < n; r++) {
      int off = xOff + r * len;
      int total = 0;
      if (sign) {
        for (int i = 0; i < len; i++) {
          int c = x[off + i] >= 0f ? 1 : 0;
          codes[r * len + i] = (byte) c;
          total += c;
        }
        scale[r] = 1f;
        zp[r] = 0;
        sum[r] = total;
        continue;
      }
      QParams q = fixed;
      if (q == null) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
          lo = Math.min(lo, x[i]);
          hi = Math.max(hi, x[i]);
        }
        q = QParams.fromRange(lo, hi, bits, symmetric, false);
      }
      for (int i = 0; i < len; i++) {
        int c = q.quantize(x[off + i], 0);
        codes[r * len + i] = (byte) c;
        total += c;
      }
      scale[r] = q.scale(0);
      zp[r] = q.zeroPoint(0);
      sum[r] = total;
    }
  }

  /**
   * The exact sum of (input integer) x (weight integer) over a row, from the raw code product
   * {@code raw = sum a * c}: with input zero point za and weight zero point zw, {@code sum (a -
   * za)(c - zw) = raw - zw sum(a) - za sum(c) + k za zw}; for sign codes the input integer is 2a -
   * 1.
   */
  int exact(int raw, int za, int aSum, IntMatrix w, int j) {
    int zw = w.zeroPoints()[j];
    int k = w.k();
    int cSum = w.rowSums()[j];
    if (sign) {
      return 2 * (raw - zw * aSum) - (cSum - k * zw);
    }
    return raw - zw * aSum - za * cSum + k * za * zw;
  }

  String describe() {
    return sign ? "sign" : "u" + bits + (fixed == null ? " dynamic" : "");
  }
}
