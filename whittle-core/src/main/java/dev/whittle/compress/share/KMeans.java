package dev.whittle.compress.share;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;
import java.util.Arrays;
import java.util.Locale;

/**
 * One-dimensional k-means (Lloyd's algorithm) of a layer's non-zero weights, as weight sharing
 * uses it (Han et al. 2016, section 3.1). In one dimension the clusters are intervals of the
 * sorted values, so each iteration is k binary searches and k means from prefix sums; the
 * centroids stay sorted. A value exactly halfway between two centroids joins the lower one; a
 * cluster that loses all its members keeps its centroid. Deterministic: the same values, k, init
 * and seed give the same centroids.
 */
public final class KMeans {
  /** At most this many iterations; k-means on a layer converges in tens. */
  public static final int MAX_ITERATIONS = 300;

  /** How the centroids start (Han et al. 2016, section 3.2 and Figure 4). */
  public enum Init {
    /** Evenly spaced between the smallest and the largest value: the paper's best. */
    LINEAR,
    /**
     * At the values' quantiles (j + 0.5) / k: the CDF's y axis spaced evenly, each centroid the
     * median of an equal share of the values; dense where the weights are.
     */
    DENSITY,
    /** k of the values drawn at random without replacement (Forgy), with the caller's seed. */
    RANDOM;

    public static Init parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InputException("--init must be linear, density or random, got '" + s + "'");
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param centroids (k), ascending
   * @param clusters per input value, the index of its centroid
   * @param iterations the Lloyd iterations run
   */
  public record Result(float[] centroids, int[] clusters, int iterations) {}

  private KMeans() {}

  /** The initial centroids of {@code values} (non-empty), ascending. */
  public static float[] init(float[] values, int k, Init init, long seed) {
    if (values.length == 0 || k < 1) {
      throw new IllegalArgumentException(k + " clusters of " + values.length + " values");
    }
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    return init(sorted, values, k, init, seed);
  }

  private static float[] init(float[] sorted, float[] values, int k, Init init, long seed) {
    int n = sorted.length;
    float[] c = new float[k];
    switch (init) {
      case LINEAR -> {
        double lo = sorted[0];
        double hi = sorted[n - 1];
        for (int j = 0; j < k; j++) {
          c[j] = k == 1 ? (float) ((lo + hi) / 2) : (float) (lo + (hi - lo) * j / (k - 1));
        }
      }
      case DENSITY -> {
        for (int j = 0; j < k; j++) {
          c[j] = sorted[(int) Math.min(n - 1, (long) ((j + 0.5) * n / k))];
        }
      }
      case RANDOM -> {
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
          pick[i] = i;
        }
        Rng r = new Rng(seed);
        for (int j = 0; j < k; j++) { // partial Fisher-Yates
          int s = j + r.nextInt(n - j);
          int t = pick[j];
          pick[j] = pick[s];
          pick[s] = t;
          c[j] = values[pick[j]];
        }
        Arrays.sort(c);
      }
      default -> throw new IllegalStateException();
    }
    return c;
  }

  /**
   * Clusters {@code values} into k groups.
   *
   * @throws InputException if there are fewer values than clusters
   */
  public static Result cluster(float[] values, int k, Init init, long seed) {
    if (k > values.length) {
      throw new InputException(k + " clusters need at least as many non-zero weights, got "
          + values.length);
    }
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + sorted[i];
    }
    float[] c = init(sorted, values, k, init, seed);
    int[] end = new int[k]; // segment j of sorted is [end[j-1], end[j])
    int[] before = new int[k];
    int it = 0;
    // Converged when no value changes cluster: the means, and so the next segments, repeat.
    while (it < MAX_ITERATIONS) {
      segments(sorted, c, end);
      if (it > 0 && java.util.Arrays.equals(end, before)) {
        break;
      }
      it++;
      System.arraycopy(end, 0, before, 0, k);
      for (int j = 0; j < k; j++) {
        int from = j == 0 ? 0 : end[j - 1];
        if (end[j] > from) {
          c[j] = (float) ((prefix[end[j]] - prefix[from]) / (end[j] - from));
        }
      }
    }
    int[] clusters = new int[n];
    for (int i = 0; i < n; i++) {
      clusters[i] = nearest(c, values[i]);
    }
    return new Result(c, clusters, it);
  }

  /** end[j]: one past the last sorted value that goes to centroid j (ties go to the lower). */
  private static void segments(float[] sorted, float[] c, int[] end) {
    int k = c.length;
    for (int j = 0; j < k - 1; j++) {
      end[j] = upperBound(sorted, boundary(c, j));
    }
    end[k - 1] = sorted.length;
  }

  /** The midpoint between centroids j and j + 1. */
  private static double boundary(float[] c, int j) {
    return ((double) c[j] + c[j + 1]) / 2;
  }

  /** The first index whose value is above {@code x}. */
  private static int upperBound(float[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the centroid (ascending) nearest to v, the lower one on a tie. */
  public static int nearest(float[] c, float v) {
    int lo = 0;
    int hi = c.length - 1;
    while (lo < hi) { // the first j whose boundary with j + 1 is at or above v
      int mid = (lo + hi) >>> 1;
      if (v <= boundary(c, mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
