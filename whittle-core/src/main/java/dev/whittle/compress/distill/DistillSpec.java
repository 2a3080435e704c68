package dev.whittle.compress.distill;

import dev.whittle.data.Augmentation;
import dev.whittle.train.DistillationLoss;
import java.util.Objects;

/**
 * How to distill.
 *
 * @param mode hard, soft or unlabeled
 * @param temperature T, above 0 (soft and unlabeled modes)
 * @param alpha the weight of the soft term, in [0, 1] (soft mode; unlabeled mode uses 1)
 * @param augmentation a change made to every batch's inputs, or {@code null}; the teacher then
 *     runs on every changed batch instead of once
 * @param hint a FitNets stage before distillation, or {@code null}
 */
public record DistillSpec(DistillMode mode, double temperature, double alpha,
    Augmentation augmentation, Hint hint) {
  public DistillSpec {
    Objects.requireNonNull(mode, "mode");
    new DistillationLoss(temperature, alpha); // validates both, naming the flags
  }

  /** Hinton's soft loss at this temperature; alpha 1 when no label may be read. */
  public DistillationLoss softLoss() {
    return new DistillationLoss(temperature, mode == DistillMode.UNLABELED ? 1 : alpha);
  }
}
