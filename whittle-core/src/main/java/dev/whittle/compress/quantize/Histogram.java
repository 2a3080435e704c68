package dev.whittle.compress.quantize;

import java.util.Objects;

/**
 * A streaming histogram of signed values in a fixed number of bins whose memory never grows with
 * the data. Bin edges are multiples of a power-of-two width w: bin i counts the values in {@code
 * [(start + i) w, (start + i + 1) w)}, start an integer. The bins always cover 0 as well as every
 * value seen, because a quantization range always contains 0 ({@link QParams#fromRange}).
 *
 * <p>When a batch falls outside the bins, w doubles as often as needed (d times) and the window
 * moves: absolute bin k becomes {@code floor(k / 2^d)}, so 2^d old bins merge exactly into one new
 * bin and no count is split or estimated. The first batch picks the smallest w that fits it, so
 * between half and all of the bins span the data (0 included) after any growth.
 *
 * <p>Non-finite values (NaN, +-inf) are skipped and counted in {@link #skipped()}; exact min, max,
 * count and the number of exact zeros are tracked besides the bins.
 */
public final class Histogram {
  public static final int DEFAULT_BINS = 2048;
  private static final int MIN_EXPONENT = -160; // w = 2^-160 while everything seen is 0

  private long[] counts; // (bins)
  private long[] scratch; // (bins), for re-binning
  private int exponent; // w = 2^exponent
  private long start; // absolute index of counts[0]; <= 0 since the bins cover 0
  private long total;
  private long zeros;
  private long skipped;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;

  public Histogram() {
    this(DEFAULT_BINS);
  }

  public Histogram(int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("a histogram needs at least 2 bins, got " + bins);
    }
    counts = new long[bins];
    scratch = new long[bins];
  }

  /** Adds the finite values of {@code x[off, off + len)}. */
  public void add(float[] x, int off, int len) {
    Objects.checkFromIndexSize(off, len, x.length);
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = off; i < off + len; i++) {
      if (Float.isFinite(x[i])) {
        lo = Math.min(lo, x[i]);
        hi = Math.max(hi, x[i]);
      }
    }
    if (lo > hi) {
      skipped += len;
      return;
    }
    cover(Math.min(lo, min), Math.max(hi, max));
    min = Math.min(lo, min);
    max = Math.max(hi, max);
    for (int i = off; i < off + len; i++) {
      float v = x[i];
      if (!Float.isFinite(v)) {
        skipped++;
        continue;
      }
      counts[(int) (index(v, exponent) - start)]++;
      total++;
      if (v == 0f) {
        zeros++;
      }
    }
  }

  /** Grows and moves the bins so that they cover [min(lo, 0), max(hi, 0)]. */
  private void cover(float lo, float hi) {
    double a = Math.min(lo, 0f);
    double b = Math.max(hi, 0f);
    int e;
    if (total == 0) {
      e = b - a == 0 ? MIN_EXPONENT : Math.max(MIN_EXPONENT, Math.getExponent((b - a) / bins()));
    } else {
      e = exponent;
    }
    while (Math.floor(Math.scalb(b, -e)) - Math.floor(Math.scalb(a, -e)) + 1 > bins()) {
      e++;
    }
    long newStart = index(a, e);
    if (total == 0) {
      exponent = e;
      start = newStart;
      return;
    }
    if (e == exponent && newStart == start) {
      return;
    }
    int d = e - exponent;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0) {
        long k = start + i;
        long merged = d >= 63 ? (k < 0 ? -1 : 0) : k >> d; // floor(k / 2^d)
        scratch[(int) (merged - newStart)] += counts[i];
        counts[i] = 0;
      }
    }
    long[] t = counts;
    counts = scratch;
    scratch = t;
    exponent = e;
    start = newStart;
  }

  private static long index(double v, int exponent) {
    return (long) Math.floor(Math.scalb(v, -exponent)); // exact: scaling by 2^-e
  }

  public int bins() {
    return counts.length;
  }

  public long count(int bin) {
    return counts[bin];
  }

  /** The bin width w, a power of two. */
  public double binWidth() {
    return Math.scalb(1.0, exponent);
  }

  /** The lower edge of a bin, {@code (start + bin) w}; bin may be {@link #bins()}. */
  public double lowerEdge(int bin) {
    return Math.scalb((double) (start + bin), exponent);
  }

  /** Finite values added. */
  public long total() {
    return total;
  }

  /** Values exactly 0 (they are also in the bin starting at 0). */
  public long zeros() {
    return zeros;
  }

  /** Non-finite values skipped. */
  public long skipped() {
    return skipped;
  }

  /** Exact minimum of the finite values (+inf when none). */
  public float min() {
    return min;
  }

  /** Exact maximum of the finite values (-inf when none). */
  public float max() {
    return max;
  }

  /**
   * Counts of |x|: bin j holds the values with |x| in {@code [j w, (j + 1) w)} (a negative value
   * on an exact multiple of w lands one bin low). Length {@code max(-start, start + bins)}, at
   * most {@link #bins()}: bin k < 0 folds onto -k - 1.
   */
  public long[] absCounts() {
    int n = (int) Math.max(-start, start + bins());
    long[] abs = new long[n];
    for (int i = 0; i < counts.length; i++) {
      long k = start + i;
      if (counts[i] != 0) {
        abs[(int) (k < 0 ? -k - 1 : k)] += counts[i];
      }
    }
    return abs;
  }

  /**
   * The value v with a fraction q of the values at or below it: the exact zeros sit at 0 and the
   * other values of a bin are spread evenly over it, so v interpolates linearly inside the bin
   * where the cumulative count reaches q * total. Clamped to [min, max].
   */
  public float quantile(double q) {
    return (float) Math.max(min, Math.min(max, quantile(counts, start, q)));
  }

  /** {@link #quantile} of |x|, from {@link #absCounts()}, clamped to max |x|. */
  public float absQuantile(double q) {
    float amax = Math.max(Math.abs(min), Math.abs(max));
    return (float) Math.min(amax, quantile(absCounts(), 0, q));
  }

  /** The quantile of counts c whose first bin has absolute index first. */
  private double quantile(long[] c, long first, double q) {
    if (total == 0) {
      throw new IllegalStateException("no finite values observed");
    }
    double target = q * total;
    long cum = 0;
    for (int i = 0; i < c.length; i++) {
      long atZero = first + i == 0 ? zeros : 0; // bin [0, w) starts with the exact zeros
      if (cum + atZero >= target && atZero > 0) {
        return 0.0;
      }
      long spread = c[i] - atZero;
      if (spread > 0 && cum + c[i] >= target) {
        double frac = Math.max(0.0, (target - cum - atZero) / spread);
        return Math.scalb((double) (first + i), exponent) + frac * binWidth();
      }
      cum += c[i];
    }
    return Math.scalb((double) (first + c.length), exponent);
  }
}
