package dev.whittle.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Shared helpers for the kernel tests: seeded data and the tolerance rule. */
final class KernelAsserts {

  private KernelAsserts() {}

  /** len floats uniform in [-1, 1), from seed. */
  static float[] random(long seed, int len) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return x;
  }

  static float[] abs(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.abs(x[i]);
    }
    return y;
  }

  /**
   * Fails unless |actual - expected| <= 1e-4 * (1 + scale) element-wise, where scale is the sum
   * of the absolute values of the terms that were added up (computed by the reference on
   * absolute inputs). fp32 sums of up to ~1000 terms stay well inside this.
   */
  static void assertClose(String what, float[] expected, float[] actual, float[] scale) {
    assertClose(what, expected, actual, scale, 0, expected.length);
  }

  static void assertClose(String what, float[] expected, float[] actual, float[] scale, int from,
      int to) {
    for (int i = from; i < to; i++) {
      double tol = 1e-4 * (1 + scale[i]);
      if (!(Math.abs((double) actual[i] - expected[i]) <= tol)) {
        fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]
            + " (tolerance " + tol + ")");
      }
    }
  }

  /** Runs body with the given thread count, restoring the previous count afterwards. */
  static void withThreads(int threads, Runnable body) {
    int before = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      body.run();
    } finally {
      Parallel.setThreads(before);
    }
  }
}
