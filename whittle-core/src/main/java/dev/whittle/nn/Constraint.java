package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * A rule attached to a {@link Parameter}: pruning masks, weight-sharing codebooks, fake
 * quantization. The trainer knows nothing of techniques; it calls three hooks and a new technique
 * is a new constraint.
 *
 * <ol>
 *   <li>{@link #project}: the value the forward pass sees, computed from the latent (trained)
 *       value;
 *   <li>{@link #gradient}: rewrites the gradient of the latent value in place (a mask drops the
 *       gradients of pruned entries; a straight-through estimator passes them unchanged);
 *   <li>{@link #afterStep}: runs after each optimizer step on the latent value (a mask zeroes
 *       pruned entries again).
 * </ol>
 *
 * Constraints compose in list order and are saved with the model under {@link #kind()}, their
 * {@link #config()} and {@link #tensors()}.
 */
public interface Constraint {
  String kind();

  /**
   * Writes into {@code out} the value the forward pass sees. Returns false, leaving {@code out}
   * untouched, when the constraint does not change the value (the forward pass then reads the
   * latent value directly, with no copy). When constraints are chained, {@code latent} is the
   * previous constraint's output and may be the same array as {@code out}: work element by
   * element, or copy first.
   */
  default boolean project(float[] latent, float[] out) {
    return false;
  }

  default void gradient(float[] latent, float[] grad) {}

  default void afterStep(float[] latent) {}

  /** Settings as Long, Double, String, long[] or double[] values. */
  Map<String, Object> config();

  /** Tensors the constraint owns (a mask, a codebook), saved beside the settings. */
  default Map<String, Tensor> tensors() {
    return Map.of();
  }
}
