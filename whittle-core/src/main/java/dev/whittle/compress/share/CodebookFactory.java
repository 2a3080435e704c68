package dev.whittle.compress.share;

import dev.whittle.InputException;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.ConstraintFactory;
import dev.whittle.tensor.Tensor;
import java.util.Map;
import java.util.Set;

/**
 * Recreates codebooks when a model is read. The weight's codebook encoding holds the centroids
 * and each weight's index; the reader passes them as the tensors {@code centroids} (k) and
 * {@code clusters} (one per weight, -1 for a zero weight).
 */
public final class CodebookFactory implements ConstraintFactory {
  @Override
  public Set<String> kinds() {
    return Set.of(Codebook.KIND);
  }

  @Override
  public Constraint create(String kind, Map<String, Object> config, Map<String, Tensor> tensors,
      Tensor latent) {
    Object b = config.get("bits");
    if (!(b instanceof Long bits) || bits < 1 || bits > 16) {
      throw new InputException("setting 'bits' must be an integer in 1..16, got " + b);
    }
    Tensor c = tensors.get("centroids");
    Tensor idx = tensors.get("clusters");
    if (c == null || idx == null) {
      throw new InputException("the weight is not stored in the codebook encoding");
    }
    if (c.size() < 1 || c.size() > 1 << bits) {
      throw new InputException(c.size() + " centroids do not fit in " + bits + " bits");
    }
    if (config.get("k") instanceof Long k && k != c.size()) {
      throw new InputException("setting 'k' is " + k + " but the encoding holds " + c.size()
          + " centroids");
    }
    if (idx.size() != latent.size()) {
      throw new InputException(idx.size() + " indices for " + latent.size() + " weights");
    }
    int[] clusters = new int[idx.size()];
    for (int i = 0; i < clusters.length; i++) {
      float v = idx.data()[i];
      if (!(v >= -1 && v < c.size()) || v != (int) v) {
        throw new InputException("weight " + i + " has index " + v + ", not one of the "
            + c.size() + " centroids");
      }
      clusters[i] = (int) v;
    }
    Object init = config.get("init");
    return new Codebook((int) (long) bits, init instanceof String s ? s : "unknown", c.data(),
        clusters);
  }
}
