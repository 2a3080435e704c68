package dev.whittle.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random stream. {@link #derive(long, long...)} gives independent, reproducible seeds
 * for sub-tasks (a layer's initialization, an epoch's shuffle, a batch's dropout mask), so no
 * random state needs to be saved to resume a run.
 */
public final class Rng {
  private final SplittableRandom random;

  public Rng(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A seed that depends on every part, mixed with the SplitMix64 finalizer. */
  public static long derive(long seed, long... parts) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    for (long p : parts) {
      h = mix(h + 0x9E3779B97F4A7C15L + p);
    }
    return h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  public double uniform() {
    return random.nextDouble();
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** Standard normal, by Box-Muller (one value per call, so the stream stays simple). */
  public double normal() {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
