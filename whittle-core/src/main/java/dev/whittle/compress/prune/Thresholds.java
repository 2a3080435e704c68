package dev.whittle.compress.prune;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Picks what to prune from importance scores: exactly round(sparsity * n) entries with the
 * lowest scores, ties broken by position, so the result never depends on sort stability. The
 * threshold is the smallest score kept: weights 1..10 at sparsity 0.2 give threshold 3.
 */
public final class Thresholds {
  private Thresholds() {}

  /** How many of n entries a sparsity prunes. */
  public static int pruneCount(int n, double sparsity) {
    return (int) Math.min(n, Math.round(sparsity * n));
  }

  /** Keeps all but the {@code round(sparsity * n)} lowest scores. */
  public static boolean[] keep(float[] scores, double sparsity) {
    Integer[] order = order(scores);
    boolean[] keep = new boolean[scores.length];
    int cut = pruneCount(scores.length, sparsity);
    for (int r = cut; r < order.length; r++) {
      keep[order[r]] = true;
    }
    return keep;
  }

  /** The smallest kept score (+infinity when everything is pruned). */
  public static float threshold(float[] scores, double sparsity) {
    Integer[] order = order(scores);
    int cut = pruneCount(scores.length, sparsity);
    return cut >= scores.length ? Float.POSITIVE_INFINITY : scores[order[cut]];
  }

  /**
   * One ranking across several layers (global scope): returns per layer what to keep so that
   * round(sparsity * total) entries are pruned in all.
   */
  public static boolean[][] keepGlobal(List<float[]> scores, double sparsity) {
    int total = 0;
    for (float[] s : scores) {
      total += s.length;
    }
    float[] all = new float[total];
    int[] layerOf = new int[total];
    int[] posOf = new int[total];
    int k = 0;
    for (int l = 0; l < scores.size(); l++) {
      float[] s = scores.get(l);
      for (int i = 0; i < s.length; i++, k++) {
        all[k] = s[i];
        layerOf[k] = l;
        posOf[k] = i;
      }
    }
    boolean[] flat = keep(all, sparsity);
    boolean[][] out = new boolean[scores.size()][];
    for (int l = 0; l < scores.size(); l++) {
      out[l] = new boolean[scores.get(l).length];
    }
    for (int i = 0; i < total; i++) {
      out[layerOf[i]][posOf[i]] = flat[i];
    }
    return out;
  }

  private static Integer[] order(float[] scores) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i));
    return idx;
  }
}
