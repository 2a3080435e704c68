package dev.whittle.compress.quantize;

import java.util.Arrays;

/**
 * Uniform affine quantization parameters, per tensor ({@code scale} and {@code zeroPoint} of
 * length 1) or per channel (length = channels; channel c of a tensor of n values owns the block
 * {@code [c * n / channels, (c + 1) * n / channels)}, i.e. axis 0 of a row-major tensor).
 *
 * <p>Codes are b-bit integers in {@code [qmin, qmax]}:
 *
 * <ul>
 *   <li>unsigned: {@code [0, 2^b - 1]};
 *   <li>signed: the narrow range {@code [-(2^(b-1) - 1), 2^(b-1) - 1]}, e.g. -127..127 at 8 bits,
 *       as ONNX Runtime and TensorRT use for symmetric int8 weights. The symmetric grid is then
 *       symmetric ({@code q(-x) == -q(x)}) and the range depends on the four fields only, so a
 *       stored model reloads the same grid. The cost falls on asymmetric signed codes, which get
 *       2^b - 1 levels; an asymmetric grid gets all 2^b levels as unsigned codes, which give the
 *       same real values as full-range signed codes with the zero point shifted by 2^(b-1).
 * </ul>
 *
 * <p>All arithmetic is IEEE float32 (round to nearest even), so an integer kernel elsewhere can
 * reproduce the codes bit for bit; see {@link #quantize} and {@link #dequantize}.
 *
 * <p>The arrays are copied on construction; the accessors return the record's own arrays, which
 * callers must not mutate.
 */
public record QParams(int bits, boolean signed, float[] scale, int[] zeroPoint) {
  /**
   * The floor on a computed scale: {@code torch.finfo(torch.float32).eps} = 2^-23 (PyTorch's
   * observers use the same), reached only when the range is [0, 0].
   */
  public static final float EPS = 0x1p-23f;

  public QParams {
    if (bits < 2 || bits > 16) {
      throw new IllegalArgumentException("bits must be in [2, 16], got " + bits);
    }
    if (scale.length == 0 || scale.length != zeroPoint.length) {
      throw new IllegalArgumentException("need as many scales as zero points (at least one), got "
          + scale.length + " and " + zeroPoint.length);
    }
    scale = scale.clone();
    zeroPoint = zeroPoint.clone();
    int lo = qmin(bits, signed);
    int hi = qmax(bits, signed);
    for (int c = 0; c < scale.length; c++) {
      if (!(scale[c] > 0f) || !Float.isFinite(scale[c])) {
        throw new IllegalArgumentException("scale of channel " + c + " must be finite and > 0, got "
            + scale[c]);
      }
      if (zeroPoint[c] < lo || zeroPoint[c] > hi) {
        throw new IllegalArgumentException("zero point of channel " + c + " must be in [" + lo
            + ", " + hi + "], got " + zeroPoint[c]);
      }
    }
  }

  /** Smallest code: {@code -(2^(b-1) - 1)} signed (narrow), 0 unsigned. */
  public int qmin() {
    return qmin(bits, signed);
  }

  /** Largest code: {@code 2^(b-1) - 1} signed, {@code 2^b - 1} unsigned. */
  public int qmax() {
    return qmax(bits, signed);
  }

  static int qmin(int bits, boolean signed) {
    return signed ? -((1 << (bits - 1)) - 1) : 0;
  }

  static int qmax(int bits, boolean signed) {
    return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  }

  /** 1 per tensor, else the number of channels. */
  public int channels() {
    return scale.length;
  }

  public float scale(int channel) {
    return scale[channel];
  }

  public int zeroPoint(int channel) {
    return zeroPoint[channel];
  }

  /**
   * {@code clamp(rint(x / scale) + zp, qmin, qmax)}: {@code x / scale} is one float32 division
   * (ONNX QuantizeLinear's formula; PyTorch multiplies by a float32 {@code 1 / scale} instead,
   * which can differ at an exact tie), rint rounds half to even, the sum and the clamp are exact.
   * Saturating: -inf gives qmin, +inf qmax. NaN gives the zero point, whose value is exactly 0.
   */
  public int quantize(float x, int channel) {
    float t = x / scale[channel];
    if (Float.isNaN(t)) {
      return zeroPoint[channel];
    }
    double q = Math.rint(t) + zeroPoint[channel]; // exact: rint(t) is an integer-valued float
    return (int) Math.max(qmin(), Math.min(qmax(), q));
  }

  /**
   * {@code (q - zp) * scale}: the integer {@code q - zp} converted to float32 (exact below 2^24)
   * times the scale in one float32 multiplication. The zero point gives exactly 0.
   */
  public float dequantize(int q, int channel) {
    return (float) (q - zeroPoint[channel]) * scale[channel];
  }

  /**
   * {@code out[i] = dequantize(quantize(in[i], c), c)} with c the channel owning i; out may be in.
   * Idempotent: the result is its own fake-quantized value.
   *
   * @param channels the tensor's channel count; must equal {@link #channels()} (1 per tensor)
   */
  public void fakeQuant(float[] in, float[] out, int channels) {
    if (channels != channels() || in.length % channels != 0 || out.length != in.length) {
      throw new IllegalArgumentException("fake-quant of " + in.length + " values into "
          + out.length + " with " + channels + " channels, parameters for " + channels());
    }
    int per = in.length / channels;
    for (int c = 0; c < channels; c++) {
      for (int i = c * per; i < (c + 1) * per; i++) {
        out[i] = dequantize(quantize(in[i], c), c);
      }
    }
  }

  /**
   * PyTorch's {@code _calculate_qparams} for a clipping range, in float32: the range is widened
   * to include 0 ({@code min = min(min, 0)}, {@code max = max(max, 0)}) so that 0 is exactly
   * representable (pruned weights stay exactly 0), then
   *
   * <ul>
   *   <li>symmetric: {@code scale = max(-min, max) / ((qmax - qmin) / 2f)} (amax / 127 for signed
   *       8 bits), zero point 0 signed and {@code 2^(b-1)} unsigned;
   *   <li>asymmetric: {@code scale = (max - min) / (float) (qmax - qmin)}, zero point {@code qmin -
   *       rint(min / scale)} clamped to [qmin, qmax];
   * </ul>
   *
   * with the scale floored at {@link #EPS} before the zero point is computed.
   */
  public static QParams fromRange(float min, float max, int bits, boolean symmetric,
      boolean signed) {
    if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
      throw new IllegalArgumentException("range must be finite with min <= max, got [" + min
          + ", " + max + "]");
    }
    if (bits < 2 || bits > 16) {
      throw new IllegalArgumentException("bits must be in [2, 16], got " + bits);
    }
    float lo = Math.min(min, 0f);
    float hi = Math.max(max, 0f);
    int qmin = qmin(bits, signed);
    int qmax = qmax(bits, signed);
    float scale;
    int zp;
    if (symmetric) {
      scale = Math.max(Math.max(-lo, hi) / ((qmax - qmin) / 2f), EPS);
      zp = signed ? 0 : 1 << (bits - 1);
    } else {
      scale = Math.max((hi - lo) / (float) (qmax - qmin), EPS);
      zp = Math.max(qmin, Math.min(qmax, qmin - (int) Math.rint(lo / scale)));
    }
    return new QParams(bits, signed, new float[] {scale}, new int[] {zp});
  }

  /** {@link #fromRange} of the min and max of all of w. */
  public static QParams perTensor(float[] w, int bits, boolean symmetric, boolean signed) {
    return perChannel(w, 1, bits, symmetric, signed);
  }

  /** {@link #fromRange} of the min and max of each channel's block of w (see the class doc). */
  public static QParams perChannel(float[] w, int channels, int bits, boolean symmetric,
      boolean signed) {
    if (channels < 1 || w.length % channels != 0) {
      throw new IllegalArgumentException(w.length + " values do not split into " + channels
          + " channels");
    }
    int per = w.length / channels;
    float[] scale = new float[channels];
    int[] zp = new int[channels];
    for (int c = 0; c < channels; c++) {
      float lo = 0f;
      float hi = 0f;
      for (int i = c * per; i < (c + 1) * per; i++) {
        lo = Math.min(lo, w[i]); // Math.min/max propagate NaN, which fromRange rejects
        hi = Math.max(hi, w[i]);
      }
      QParams q = fromRange(lo, hi, bits, symmetric, signed);
      scale[c] = q.scale[0];
      zp[c] = q.zeroPoint[0];
    }
    return new QParams(bits, signed, scale, zp);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QParams q && bits == q.bits && signed == q.signed
        && Arrays.equals(scale, q.scale) && Arrays.equals(zeroPoint, q.zeroPoint);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * bits + Boolean.hashCode(signed)) + Arrays.hashCode(scale))
        + Arrays.hashCode(zeroPoint);
  }

  @Override
  public String toString() {
    return "QParams[bits=" + bits + ", signed=" + signed + ", scale=" + Arrays.toString(scale)
        + ", zeroPoint=" + Arrays.toString(zeroPoint) + "]";
  }
}
