package dev.whittle.compress.quantize;

import dev.whittle.nn.InputQuantizer;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Uniform affine quantization of a layer's input, per tensor, with one of four ways to get the
 * range:
 *
 * <ul>
 *   <li>{@link Mode#CALIBRATE}: the layer runs in float and a {@link Calibrator} watches its
 *       inputs; {@link #finishCalibration()} sets the range and switches to {@link Mode#STATIC};
 *   <li>{@link Mode#STATIC}: a fixed range (post-training static quantization);
 *   <li>{@link Mode#TRACK}: quantization-aware training; each training batch moves the range
 *       toward the batch's min and max by an exponential moving average (factor 0.01, as
 *       PyTorch's MovingAverageMinMaxObserver; the first batch sets it), evaluation uses the range
 *       as it stands;
 *   <li>{@link Mode#DYNAMIC}: each sample's own min and max, measured at run time.
 * </ul>
 *
 * Codes are unsigned (0 .. 2^bits - 1) with a zero point unless the quantizer is symmetric; the
 * range always includes 0, so zero padding and ReLU zeros are exact.
 */
public final class UniformInput implements InputQuantizer {
  public static final String KIND = "uniform";
  private static final float MOMENTUM = 0.01f;

  /** Where the range comes from. */
  public enum Mode {
    CALIBRATE,
    STATIC,
    TRACK,
    DYNAMIC
  }

  private final int bits;
  private final boolean symmetric;
  private Mode mode;
  private final Tensor range = Tensor.zeros(2); // min, max
  private boolean seen; // TRACK: a batch has set the range
  private Calibrator calibrator;
  private QParams cached;
  private float cachedMin = Float.NaN;
  private float cachedMax = Float.NaN;

  public UniformInput(int bits, boolean symmetric, Mode mode) {
    this.bits = bits;
    this.symmetric = symmetric;
    this.mode = mode;
  }

  public Mode mode() {
    return mode;
  }

  public boolean symmetric() {
    return symmetric;
  }

  /** Starts calibration with {@code c}: the layer runs in float until {@link #finishCalibration}. */
  public void calibrate(Calibrator c) {
    calibrator = c;
    mode = Mode.CALIBRATE;
  }

  /** Sets the range from the calibrator and quantizes from now on. */
  public void finishCalibration() {
    float[] r = calibrator.range();
    setRange(r[0], r[1]);
    calibrator = null;
    mode = Mode.STATIC;
  }

  /** Sets a fixed range. */
  public void setRange(float min, float max) {
    range.data()[0] = min;
    range.data()[1] = max;
    seen = true;
  }

  /** The range quantized to, {min, max}. */
  public float[] range() {
    return range.data().clone();
  }

  /** A loaded quantizer's range is its buffer, read after construction. */
  void loaded() {
    seen = true;
  }

  /** Stops tracking: the range stays as it is. */
  public void freeze() {
    if (mode == Mode.TRACK) {
      mode = Mode.STATIC;
    }
  }

  /** The quantization parameters of the current range (static and tracking modes). */
  public QParams params() {
    float lo = range.data()[0];
    float hi = range.data()[1];
    if (cached == null || Float.compare(lo, cachedMin) != 0 || Float.compare(hi, cachedMax) != 0) {
      cached = QParams.fromRange(lo, hi, bits, symmetric, false);
      cachedMin = lo;
      cachedMax = hi;
    }
    return cached;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public boolean active() {
    return mode != Mode.CALIBRATE;
  }

  @Override
  public void observe(float[] x, int len) {
    if (calibrator != null) {
      calibrator.observe(x, 0, len);
    }
  }

  @Override
  public void quantize(float[] x, int n, int rowLen, float[] codes, float[] rowScale,
      boolean training) {
    if (mode == Mode.DYNAMIC) {
      for (int r = 0; r < n; r++) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = r * rowLen; i < (r + 1) * rowLen; i++) {
          lo = Math.min(lo, x[i]);
          hi = Math.max(hi, x[i]);
        }
        QParams q = QParams.fromRange(lo, hi, bits, symmetric, false);
        encode(q, x, r * rowLen, rowLen, codes);
        rowScale[r] = q.scale()[0];
      }
      return;
    }
    if (mode == Mode.TRACK && training) {
      track(x, n * rowLen);
    }
    QParams q = params();
    encode(q, x, 0, n * rowLen, codes);
    java.util.Arrays.fill(rowScale, 0, n, q.scale()[0]);
  }

  private static void encode(QParams q, float[] x, int off, int len, float[] codes) {
    int zp = q.zeroPoint()[0];
    for (int i = off; i < off + len; i++) {
      codes[i] = q.quantize(x[i], 0) - zp;
    }
  }

  private void track(float[] x, int len) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    float[] r = range.data();
    if (!seen) {
      r[0] = lo;
      r[1] = hi;
      seen = true;
    } else {
      r[0] += MOMENTUM * (lo - r[0]);
      r[1] += MOMENTUM * (hi - r[1]);
    }
  }

  @Override
  public void gradient(float[] x, int n, int rowLen, float[] grad) {
    if (mode == Mode.DYNAMIC) {
      return; // each sample's range covers all its values: nothing is clipped
    }
    QParams q = params();
    float s = q.scale()[0];
    int zp = q.zeroPoint()[0];
    for (int i = 0; i < n * rowLen; i++) {
      float v = (float) Math.rint(x[i] / s) + zp;
      if (v < q.qmin() || v > q.qmax()) {
        grad[i] = 0f;
      }
    }
  }

  @Override
  public int bits() {
    return bits;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bits", (long) bits);
    m.put("symmetric", symmetric ? 1L : 0L);
    m.put("mode", (mode == Mode.CALIBRATE ? Mode.STATIC : mode).name().toLowerCase(java.util.Locale.ROOT));
    return m;
  }

  @Override
  public Map<String, Tensor> buffers() {
    return Map.of("range", range);
  }
}
