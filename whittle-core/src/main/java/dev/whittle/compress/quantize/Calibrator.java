package dev.whittle.compress.quantize;

import dev.whittle.InputException;

/**
 * Chooses the clipping range of a tensor (usually a layer's input) from the values it takes on
 * calibration data. Life cycle: {@link #observe} every calibration batch, then {@link #range()},
 * which may be called again after more observations. Memory is fixed: min-max keeps two floats,
 * the others one {@link Histogram} of {@link Histogram#DEFAULT_BINS} bins. Non-finite values are
 * ignored.
 */
public interface Calibrator {
  /** Records the finite values of {@code x[off, off + len)}. */
  void observe(float[] x, int off, int len);

  default void observe(float[] x) {
    observe(x, 0, x.length);
  }

  /**
   * The clipping range {@code {min, max}} to pass to {@link QParams#fromRange} (which widens it to
   * include 0); percentile, MSE and entropy calibrators for a symmetric scheme return {@code {-t,
   * t}}.
   *
   * @throws IllegalStateException when no finite value was observed
   */
  float[] range();

  /** The spec that {@link #parse} turns into this calibrator, e.g. {@code percentile:99.99}. */
  String name();

  /**
   * {@code minmax}, {@code percentile} (99.99), {@code percentile:P} with P in (0, 100], {@code
   * mse} or {@code entropy}, for codes of the given bits and scheme.
   *
   * @throws InputException naming {@code --calibration} for anything else
   */
  static Calibrator parse(String spec, int bits, boolean symmetric, boolean signed) {
    String s = spec.trim();
    if (s.equals("minmax")) {
      return new MinMaxCalibrator();
    }
    if (s.equals("mse")) {
      return new MseCalibrator(bits, symmetric, signed);
    }
    if (s.equals("entropy")) {
      return new EntropyCalibrator(bits, symmetric, signed);
    }
    if (s.equals("percentile")) {
      return new PercentileCalibrator(PercentileCalibrator.DEFAULT, symmetric);
    }
    if (s.startsWith("percentile:")) {
      String p = s.substring("percentile:".length());
      double v;
      try {
        v = Double.parseDouble(p);
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v > 0 && v <= 100)) {
        throw new InputException("--calibration percentile must be in (0, 100], got '" + p + "'");
      }
      return new PercentileCalibrator(v, symmetric);
    }
    throw new InputException("--calibration must be minmax, percentile, percentile:P, mse or"
        + " entropy, got '" + spec + "'");
  }
}
