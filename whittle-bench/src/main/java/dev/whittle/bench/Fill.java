package dev.whittle.bench;

import java.util.SplittableRandom;

/** Deterministic benchmark operands. */
final class Fill {
  private Fill() {}

  /** n floats uniform in [-1, 1), from a fixed seed. */
  static float[] uniform(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }
}
