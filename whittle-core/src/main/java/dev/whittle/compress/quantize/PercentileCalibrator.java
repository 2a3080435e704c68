package dev.whittle.compress.quantize;

/**
 * Clips at a percentile p of the observed values, as ONNX Runtime's percentile calibration does:
 * symmetric, {@code t} = the p-th percentile of |x| and the range {@code {-t, t}}; otherwise
 * (100 - p) / 2 percent is cut from each tail, the range being the (100 - p) / 2-th and the
 * (100 + p) / 2-th percentiles of x. Percentiles interpolate inside a histogram bin, so they are
 * exact to within one bin width.
 */
public final class PercentileCalibrator implements Calibrator {
  /** The percentile of {@code --calibration percentile}. */
  public static final double DEFAULT = 99.99;

  private final double percentile;
  private final boolean symmetric;
  private final Histogram hist = new Histogram();

  /** @param percentile in (0, 100] */
  public PercentileCalibrator(double percentile, boolean symmetric) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    this.percentile = percentile;
    this.symmetric = symmetric;
  }

  /** Two-sided (not symmetric): (100 - p) / 2 percent cut from each tail. */
  public PercentileCalibrator(double percentile) {
    this(percentile, false);
  }

  @Override
  public void observe(float[] x, int off, int len) {
    hist.add(x, off, len);
  }

  @Override
  public float[] range() {
    double p = percentile / 100.0;
    if (symmetric) {
      float t = hist.absQuantile(p);
      return new float[] {-t, t};
    }
    double cut = (1.0 - p) / 2.0;
    return new float[] {hist.quantile(cut), hist.quantile(1.0 - cut)};
  }

  @Override
  public String name() {
    return "percentile:" + percentile;
  }
}
