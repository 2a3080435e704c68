package dev.whittle.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic sample order for training: the same seed and epoch give the same permutation
 * on every machine and JDK (it uses {@link SplittableRandom}, whose algorithm is specified),
 * and every epoch has its own.
 */
public final class Batches {
  private Batches() {}

  /**
   * A permutation of {@code 0..n-1}, by Fisher-Yates with a {@link SplittableRandom} seeded by a
   * mix of {@code seed} and {@code epoch}.
   *
   * @param n how many indices, at least 0
   * @param seed the run's seed
   * @param epoch the epoch (any int; {@link Preprocess#validation} uses -1)
   */
  public static int[] permutation(int n, long seed, int epoch) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom random = new SplittableRandom(mix(seed, epoch));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A well-spread 64-bit seed from (seed, epoch). */
  static long mix(long seed, int epoch) {
    return fmix64(fmix64(seed) + 0x9E3779B97F4A7C15L * ((long) epoch + 1));
  }

  private static long fmix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /**
   * Copies the samples {@code order[from..to)} of {@code d} into preallocated buffers: sample
   * {@code order[from + i]} goes to {@code xOut[i * features .. (i + 1) * features)} and its
   * label to {@code yOut[i]}.
   *
   * @param yOut the label buffer, or {@code null} to copy only the samples
   * @throws IllegalArgumentException if a buffer is too small or {@code yOut} is given for an
   *     unlabelled set
   * @throws IndexOutOfBoundsException if the range or an index is out of bounds
   */
  public static void gather(Dataset d, int[] order, int from, int to, float[] xOut, int[] yOut) {
    Objects.checkFromToIndex(from, to, order.length);
    int count = to - from;
    int f = d.features();
    if ((long) count * f > xOut.length) {
      throw new IllegalArgumentException(
          "xOut holds " + xOut.length + " floats, need " + (long) count * f);
    }
    int[] y = d.y();
    if (yOut != null) {
      if (y == null) {
        throw new IllegalArgumentException(d.name() + " has no labels to gather");
      }
      if (yOut.length < count) {
        throw new IllegalArgumentException("yOut holds " + yOut.length + " labels, need " + count);
      }
    }
    float[] x = d.x();
    int n = d.n();
    for (int i = 0; i < count; i++) {
      int s = Objects.checkIndex(order[from + i], n);
      System.arraycopy(x, s * f, xOut, i * f, f);
      if (yOut != null) {
        yOut[i] = y[s];
      }
    }
  }
}
