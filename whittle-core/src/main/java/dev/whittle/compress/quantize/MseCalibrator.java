package dev.whittle.compress.quantize;

/**
 * Chooses the clipping range that minimizes the expected squared quantization error of the
 * observed values on the real grid of {@link QParams#fromRange}: rounding noise inside the range,
 * clipping error outside it. The error is computed from the histogram, taking each bin's values
 * as spread uniformly over the bin (narrowed to the exact [min, max], a point when that is empty)
 * and exact zeros as costing nothing (0 is always on the grid). For a grid of step s from lo to
 * hi, clamp q(x) to [lo, hi] and round to the nearest grid point in between:
 *
 * <pre>
 *   E = sum over bins [l, r] of count / (r - l) * integral from l to r of (x - q(x))^2 dx
 * </pre>
 *
 * integrated exactly: {@code (x - lo)^3 / 3} below lo and its mirror above hi, and inside {@code
 * s^3 H((x - lo) / s)} with {@code H(y) = k / 12 + (z^3 + 1/8) / 3}, {@code k = floor(y + 1/2)},
 * {@code z = y - k} (each whole grid cell contributes s^3 / 12).
 *
 * <p>Symmetric: the range is {@code {-t, t}}, t searched over the bin edges below max |x| and max
 * |x| itself. Asymmetric: the lower and upper ends are searched in turn over the bin edges (each
 * with the other fixed, starting from min-max) until neither moves, at most four rounds. Ties
 * keep the wider range. Cost per {@link #range()}: O(bins^2) per search.
 */
public final class MseCalibrator implements Calibrator {
  private static final int ROUNDS = 4;

  private final int bits;
  private final boolean symmetric;
  private final boolean signed;
  private final Histogram hist = new Histogram();

  public MseCalibrator(int bits, boolean symmetric, boolean signed) {
    QParams.fromRange(0f, 1f, bits, symmetric, signed); // validates bits
    this.bits = bits;
    this.symmetric = symmetric;
    this.signed = signed;
  }

  @Override
  public String name() {
    return "mse";
  }

  @Override
  public void observe(float[] x, int off, int len) {
    hist.add(x, off, len);
  }

  @Override
  public float[] range() {
    if (hist.total() == 0) {
      throw new IllegalStateException("no finite values observed");
    }
    Bins b = new Bins(hist);
    float lo = Math.min(hist.min(), 0f);
    float hi = Math.max(hist.max(), 0f);
    if (symmetric) {
      float t = Math.max(-lo, hi);
      float best = t;
      double bestErr = error(b, -t, t);
      for (int k = (int) Math.ceil(t / hist.binWidth()) - 1; k >= 1; k--) {
        float c = (float) (k * hist.binWidth());
        double e = error(b, -c, c);
        if (e < bestErr) {
          bestErr = e;
          best = c;
        }
      }
      return new float[] {-best, best};
    }
    float a = lo;
    float z = hi;
    for (int round = 0; round < ROUNDS; round++) {
      float z2 = bestEnd(b, a, hi);
      float a2 = bestEnd(b, z2, lo);
      if (a2 == a && z2 == z) {
        break;
      }
      a = a2;
      z = z2;
    }
    return new float[] {a, z};
  }

  /**
   * The end of the range on {@code end}'s side of 0 (end itself or a bin edge between 0 and end)
   * minimizing the error with the other end fixed at {@code other}.
   */
  private float bestEnd(Bins b, float other, float end) {
    float best = end;
    double bestErr = error(b, other, end);
    float sign = Math.signum(end);
    for (int k = (int) Math.ceil(Math.abs(end) / hist.binWidth()) - 1; k >= 1; k--) {
      float c = sign * (float) (k * hist.binWidth());
      double e = error(b, other, c);
      if (e < bestErr) {
        bestErr = e;
        best = c;
      }
    }
    return best;
  }

  /** The expected total squared error of the grid {@code fromRange} of a and z (either order). */
  private double error(Bins b, float a, float z) {
    QParams q = QParams.fromRange(Math.min(a, z), Math.max(a, z), bits, symmetric, signed);
    double s = q.scale(0);
    double lo = (double) (q.qmin() - q.zeroPoint(0)) * s;
    double hi = (double) (q.qmax() - q.zeroPoint(0)) * s;
    double sum = 0;
    for (int j = 0; j < b.n; j++) {
      double l = b.lo[j];
      double r = b.hi[j];
      if (r <= l) {
        double d = l - q.dequantize(q.quantize((float) l, 0), 0);
        sum += b.count[j] * d * d;
      } else {
        sum += b.count[j] * integral(l, r, lo, hi, s) / (r - l);
      }
    }
    return sum;
  }

  /** The integral of (x - q(x))^2 over [l, r] for the grid lo, lo + s, ..., hi. */
  static double integral(double l, double r, double lo, double hi, double s) {
    double e = 0;
    if (l < lo) {
      e += (cube(Math.min(r, lo) - lo) - cube(l - lo)) / 3;
    }
    if (r > hi) {
      e += (cube(r - hi) - cube(Math.max(l, hi) - hi)) / 3;
    }
    double a = Math.max(l, lo);
    double b = Math.min(r, hi);
    if (b > a) {
      e += s * s * s * (h((b - lo) / s) - h((a - lo) / s));
    }
    return e;
  }

  /** The integral of (y - round(y))^2 from -1/2 to y. */
  private static double h(double y) {
    double k = Math.floor(y + 0.5);
    double z = y - k;
    return k / 12 + (z * z * z + 0.125) / 3;
  }

  private static double cube(double x) {
    return x * x * x;
  }

  /** The non-empty bins as [lo, hi] narrowed to the exact [min, max], exact zeros removed. */
  private static final class Bins {
    final double[] lo;
    final double[] hi;
    final double[] count;
    int n;

    Bins(Histogram h) {
      lo = new double[h.bins()];
      hi = new double[h.bins()];
      count = new double[h.bins()];
      for (int i = 0; i < h.bins(); i++) {
        double l = h.lowerEdge(i);
        double r = h.lowerEdge(i + 1);
        long c = h.count(i) - (l <= 0 && 0 < r ? h.zeros() : 0);
        if (c > 0) {
          lo[n] = Math.max(l, h.min());
          hi[n] = Math.min(r, h.max());
          count[n++] = c;
        }
      }
    }
  }
}
