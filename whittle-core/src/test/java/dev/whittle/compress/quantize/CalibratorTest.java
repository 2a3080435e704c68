package dev.whittle.compress.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibratorTest {
  @Test
  void minMaxIsTheExactMinAndMaxIgnoringNonFinite() {
    Calibrator c = new MinMaxCalibrator();
    c.observe(new float[] {9f, 0.5f, -0.25f, Float.NaN}, 1, 3);
    c.observe(new float[] {3f, Float.POSITIVE_INFINITY, 1.75f});
    assertArrayEquals(new float[] {-0.25f, 3f}, c.range());
    assertThrows(IllegalStateException.class, () -> new MinMaxCalibrator().range());
  }

  @Test
  void percentileOfUniformIntegersIsWithinOneBin() {
    float[] x = shuffled(10_000, 3);
    Histogram h = new Histogram();
    h.add(x, 0, x.length);
    double w = h.binWidth();
    // Two-sided 99: 0.5% cut from each tail: 50 values at most below, 9950 at most at or below.
    Calibrator two = new PercentileCalibrator(99.0);
    Calibrator sym = new PercentileCalibrator(99.0, true);
    for (int off = 0; off < x.length; off += 1000) {
      two.observe(x, off, 1000);
      sym.observe(x, off, 1000);
    }
    float[] r = two.range();
    assertEquals(50.0, r[0], w);
    assertEquals(9950.0, r[1], w);
    assertArrayEquals(new float[] {-9900f, 9900f}, sym.range(), (float) w);
    Calibrator all = new PercentileCalibrator(100.0, true);
    all.observe(x);
    assertArrayEquals(new float[] {-9999f, 9999f}, all.range());
  }

  @Test
  void histogramMemoryIsFixedAndItsMergesAreExact() {
    Random r = new Random(11);
    float[] x = new float[1_000_000];
    for (int i = 0; i < x.length; i++) {
      double spread = Math.pow(10, 6.0 * i / x.length - 3); // 1e-3 .. 1e3
      x[i] = i % 97 == 0 ? 0f : (float) ((r.nextDouble() - 0.3) * spread);
    }
    Histogram h = new Histogram();
    for (int off = 0; off < x.length; off += 1000) {
      h.add(x, off, 1000);
    }
    assertEquals(Histogram.DEFAULT_BINS, h.bins());
    assertEquals(x.length, h.total());
    long[] recount = new long[h.bins()];
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long zeros = 0;
    for (float v : x) {
      recount[(int) Math.floor((v - h.lowerEdge(0)) / h.binWidth())]++;
      min = Math.min(min, v);
      max = Math.max(max, v);
      zeros += v == 0f ? 1 : 0;
    }
    long sum = 0;
    for (int i = 0; i < h.bins(); i++) {
      assertEquals(recount[i], h.count(i), "bin " + i);
      sum += h.count(i);
    }
    assertEquals(x.length, sum);
    assertEquals(min, h.min());
    assertEquals(max, h.max());
    assertEquals(zeros, h.zeros());
    // At least half of the bins span [min(min, 0), max(max, 0)] after growing.
    assertTrue((max - min) / h.binWidth() > h.bins() / 2.0);
    assertTrue(h.lowerEdge(0) <= min && h.lowerEdge(h.bins()) > max);
  }

  @Test
  void clippingBeatsMinMaxOnGaussianDataWithOutliers() {
    // Clipping k outliers at M costs about k M^2 in all, which pays only when it is less than
    // the rounding noise saved on the N inliers (about N sigma^2 once the min-max step exceeds
    // sigma): N must exceed k (M / sigma)^2 = 5e6 here.
    Random r = new Random(5);
    int n = 10_000_000;
    float[] x = new float[n + 5];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Arrays.fill(x, n, x.length, 1000f);
    for (int[] scheme : new int[][] {{8, 1, 1}, {8, 0, 1}, {8, 0, 0}, {4, 1, 1}}) {
      int bits = scheme[0];
      boolean symmetric = scheme[1] == 1;
      boolean signed = scheme[2] == 1;
      String at = bits + " bits, symmetric " + symmetric + ", signed " + signed + ": ";
      double minMax = mse(x, calibrate("minmax", x, bits, symmetric, signed), bits, symmetric,
          signed);
      double mse = mse(x, calibrate("mse", x, bits, symmetric, signed), bits, symmetric, signed);
      assertTrue(mse < minMax, at + "mse " + mse + " >= min-max " + minMax);
      for (String spec : new String[] {"percentile", "entropy"}) {
        float[] range = calibrate(spec, x, bits, symmetric, signed);
        double e = mse(x, range, bits, symmetric, signed);
        assertTrue(e < minMax, at + spec + " range [" + range[0] + ", " + range[1] + "] mse " + e
            + " >= min-max " + minMax);
        assertTrue(mse <= e, at + "the MSE calibrator's " + mse + " > " + spec + "'s " + e);
      }
    }
  }

  @Test
  void mseKeepsNearlyTheWholeRangeOfUniformData() {
    Random r = new Random(9);
    float[] x = new float[100_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    float[] mm = calibrate("minmax", x, 8, true, true);
    float[] sym = calibrate("mse", x, 8, true, true);
    assertEquals(Math.max(-mm[0], mm[1]), sym[1], 0.02);
    float[] asym = calibrate("mse", x, 8, false, false);
    assertEquals(mm[0], asym[0], 0.02);
    assertEquals(mm[1], asym[1], 0.02);
  }

  @Test
  void mseClipMatchesABruteForceSearchOnTheRawData() {
    Random r = new Random(21);
    float[] x = new float[100_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Histogram h = new Histogram();
    h.add(x, 0, x.length);
    double w = h.binWidth();
    float t = calibrate("mse", x, 4, true, true)[1];
    float best = 0f;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int k = 1; k * w < 5; k++) {
      float c = (float) (k * w);
      double e = mse(x, new float[] {-c, c}, 4, true, true);
      if (e < bestErr) {
        bestErr = e;
        best = c;
      }
    }
    assertEquals(best, t, 3 * w, "brute force " + best + ", calibrator " + t);
    assertTrue(mse(x, new float[] {-t, t}, 4, true, true) < 1.005 * bestErr);
  }

  @Test
  void zerosAndReluDataCalibrate() {
    float[] zeros = new float[100];
    for (String spec : new String[] {"minmax", "percentile", "mse", "entropy"}) {
      assertArrayEquals(new float[] {0f, 0f}, calibrate(spec, zeros, 8, false, false), spec);
      Calibrator c = Calibrator.parse(spec, 8, false, false);
      assertThrows(IllegalStateException.class, c::range, spec);
    }
    Random r = new Random(2);
    float[] relu = new float[50_000];
    for (int i = 0; i < relu.length; i++) {
      relu[i] = (float) Math.max(0, r.nextGaussian());
    }
    for (String spec : new String[] {"percentile", "mse", "entropy"}) {
      float[] range = calibrate(spec, relu, 8, false, false);
      assertTrue(range[0] == 0f && range[1] > 2f && range[1] <= 5f, spec + " " + range[1]);
    }
  }

  @Test
  void parsesTheFlag() {
    assertInstanceOf(MinMaxCalibrator.class, Calibrator.parse("minmax", 8, true, true));
    assertEquals("percentile:99.99", Calibrator.parse("percentile", 8, true, true).name());
    assertEquals("percentile:99.9", Calibrator.parse("percentile:99.9", 8, true, true).name());
    assertEquals("percentile:100.0", Calibrator.parse("percentile:100", 8, true, true).name());
    assertEquals("mse", Calibrator.parse("mse", 4, false, false).name());
    assertEquals("entropy", Calibrator.parse("entropy", 8, true, true).name());
    for (String bad : new String[] {"kl", "", "percentile:0", "percentile:120", "percentile:x",
        "percentile:NaN", "MSE"}) {
      InputException e = assertThrows(InputException.class,
          () -> Calibrator.parse(bad, 8, true, true), bad);
      assertTrue(e.getMessage().startsWith("--calibration"), e.getMessage());
    }
  }

  private static float[] calibrate(String spec, float[] x, int bits, boolean symmetric,
      boolean signed) {
    Calibrator c = Calibrator.parse(spec, bits, symmetric, signed);
    for (int off = 0; off < x.length; off += 4096) {
      c.observe(x, off, Math.min(4096, x.length - off));
    }
    return c.range();
  }

  /** Mean squared error of fake-quantizing x with the grid of a range. */
  private static double mse(float[] x, float[] range, int bits, boolean symmetric,
      boolean signed) {
    QParams q = QParams.fromRange(range[0], range[1], bits, symmetric, signed);
    float[] y = new float[x.length];
    q.fakeQuant(x, y, 1);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      s += d * d;
    }
    return s / x.length;
  }

  private static float[] shuffled(int n, long seed) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      float t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }
}
