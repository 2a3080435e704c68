package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Recreates constraints of one kind when a model is read. Techniques register a factory with
 * {@link java.util.ServiceLoader} (a line in {@code META-INF/services/dev.whittle.nn.ConstraintFactory}),
 * so the file reader needs no knowledge of them.
 */
public interface ConstraintFactory {
  /** The kinds this factory creates. */
  java.util.Set<String> kinds();

  /**
   * @param latent the parameter's stored value, already loaded (a mask is read from its zeros)
   */
  Constraint create(String kind, Map<String, Object> config, Map<String, Tensor> tensors, Tensor latent);

  /** The factory for {@code kind}, or null when no technique on the class path knows it. */
  static ConstraintFactory forKind(String kind) {
    for (ConstraintFactory f : java.util.ServiceLoader.load(ConstraintFactory.class)) {
      if (f.kinds().contains(kind)) {
        return f;
      }
    }
    return null;
  }
}
