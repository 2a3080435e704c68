package dev.whittle.compress.prune;

import dev.whittle.nn.Constraint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pruning as a constraint: pruned entries get no gradient and are set to zero again after every
 * optimizer step (momentum or weight decay could otherwise move them), so they stay exactly zero
 * through fine-tuning and every later technique. The forward pass reads the latent value as it is
 * (it is already zero where pruned), so a mask costs no copy.
 *
 * <p>Saved without a tensor: a pruned parameter's zeros are the mask, so a file never holds the
 * mask beside the weights.
 */
public final class Mask implements Constraint {
  public static final String KIND = "mask";

  private final boolean[] keep;
  private final String method;

  public Mask(boolean[] keep, String method) {
    this.keep = keep;
    this.method = method;
  }

  /** The mask that keeps exactly the non-zero entries of {@code w}. */
  public static Mask ofNonZeros(float[] w, String method) {
    boolean[] k = new boolean[w.length];
    for (int i = 0; i < w.length; i++) {
      k[i] = w[i] != 0f;
    }
    return new Mask(k, method);
  }

  public boolean kept(int i) {
    return keep[i];
  }

  public int size() {
    return keep.length;
  }

  public long keptCount() {
    long n = 0;
    for (boolean b : keep) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  public double sparsity() {
    return 1.0 - (double) keptCount() / keep.length;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void gradient(float[] latent, float[] grad) {
    for (int i = 0; i < grad.length; i++) {
      if (!keep[i]) {
        grad[i] = 0f;
      }
    }
  }

  @Override
  public void afterStep(float[] latent) {
    for (int i = 0; i < latent.length; i++) {
      if (!keep[i]) {
        latent[i] = 0f;
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("method", method);
    c.put("sparsity", sparsity());
    return c;
  }
}
