package dev.whittle.compress.share;

import dev.whittle.nn.Constraint;
import dev.whittle.nn.SharedWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weight sharing as a constraint: every non-zero weight is tied to one of k centroids, and a
 * zero weight (pruned) belongs to no cluster and stays exactly zero.
 *
 * <p>Fine-tuning follows Han et al. 2016, section 3.1: the gradient of centroid C_k is the sum of
 * its members' gradients, dL/dC_k = sum_i dL/dW_i 1(I_i = k). The trainer updates latent weights,
 * not centroids, so the centroids are kept as the weights themselves: {@link #gradient} gives
 * every member its cluster's summed gradient, so that all members of a cluster (equal before the
 * step) take the same optimizer step, momentum and weight decay included, which is the step of
 * the centroid; {@link #afterStep} then reads each centroid back as its members' mean (exactly
 * their common value) and ties the members to it again. The optimizer never needs to know, and
 * latent values restored from a snapshot (early stopping) bring their centroids with them.
 *
 * <p>Saved with no tensors of its own: the weight's codebook encoding holds the centroids and the
 * indices, and the reader gives them back to {@link CodebookFactory}.
 */
public final class Codebook implements Constraint, SharedWeights {
  public static final String KIND = "codebook";

  private final int bits;
  private final String init;
  private final float[] centroids; // (k)
  private final int[] clusters; // per weight: its centroid, or -1 for a zero weight

  /**
   * @param clusters per weight, an index into {@code centroids} or -1; kept, not copied
   */
  public Codebook(int bits, String init, float[] centroids, int[] clusters) {
    if (bits < 1 || bits > 16 || centroids.length < 1 || centroids.length > 1 << bits) {
      throw new IllegalArgumentException(centroids.length + " centroids in " + bits + " bits");
    }
    for (int c : clusters) {
      if (c < -1 || c >= centroids.length) {
        throw new IllegalArgumentException("cluster " + c + " of " + centroids.length);
      }
    }
    this.bits = bits;
    this.init = init;
    this.centroids = centroids.clone();
    this.clusters = clusters;
  }

  /** The number of centroids. */
  public int k() {
    return centroids.length;
  }

  public String init() {
    return init;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The seen weights: each centroid read from its members' latent values (so that latent values
   * restored from a snapshot bring their centroids back), then every member set to it.
   */
  @Override
  public boolean project(float[] latent, float[] out) {
    readCentroids(latent);
    for (int i = 0; i < clusters.length; i++) {
      int c = clusters[i];
      out[i] = c < 0 ? 0f : centroids[c];
    }
    return true;
  }

  /** Each member's gradient becomes its cluster's summed gradient; zeros get none. */
  @Override
  public void gradient(float[] latent, float[] grad) {
    double[] sum = new double[centroids.length];
    for (int i = 0; i < clusters.length; i++) {
      if (clusters[i] >= 0) {
        sum[clusters[i]] += grad[i];
      }
    }
    for (int i = 0; i < clusters.length; i++) {
      int c = clusters[i];
      grad[i] = c < 0 ? 0f : (float) sum[c];
    }
  }

  /** Each centroid becomes its members' mean, and the members are tied to it again. */
  @Override
  public void afterStep(float[] latent) {
    project(latent, latent);
  }

  /**
   * Each centroid with members becomes their mean: exactly their common value when they are
   * tied (the sum of n equal floats is exact in double for n below 2^29).
   */
  private void readCentroids(float[] latent) {
    double[] sum = new double[centroids.length];
    long[] count = new long[centroids.length];
    for (int i = 0; i < clusters.length; i++) {
      int c = clusters[i];
      if (c >= 0) {
        sum[c] += latent[i];
        count[c]++;
      }
    }
    for (int c = 0; c < centroids.length; c++) {
      if (count[c] > 0) {
        centroids[c] = (float) (sum[c] / count[c]);
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bits", (long) bits);
    m.put("k", (long) centroids.length);
    m.put("init", init);
    return m;
  }

  @Override
  public int bits() {
    return bits;
  }

  @Override
  public float[] centroids() {
    return centroids.clone();
  }

  @Override
  public int[] clusters() {
    return clusters.clone();
  }

  /** How many weights belong to a cluster. */
  public long members() {
    long n = 0;
    for (int c : clusters) {
      if (c >= 0) {
        n++;
      }
    }
    return n;
  }
}
