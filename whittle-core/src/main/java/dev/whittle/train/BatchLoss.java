package dev.whittle.train;

import dev.whittle.tensor.Tensor;

/**
 * A loss whose targets depend on which samples are in the batch, or on the inputs themselves,
 * not only on the labels: distillation's teacher outputs, looked up per sample or computed on the
 * augmented inputs. Like {@link Loss#compute}, it returns the mean loss over the batch and writes
 * its gradient with respect to the outputs into {@code grad}. Given to {@link Trainer#withLoss}.
 */
@FunctionalInterface
public interface BatchLoss {
  double compute(TrainingBatch batch, Tensor outputs, Tensor grad);

  /**
   * Whether the outputs are class scores, so that the trainer's accuracy against the labels
   * means something; false for a regression target such as a FitNets hint.
   */
  default boolean classifies() {
    return true;
  }

  /** A regression loss: {@link #classifies()} is false. */
  static BatchLoss regression(BatchLoss loss) {
    return new BatchLoss() {
      @Override
      public double compute(TrainingBatch batch, Tensor outputs, Tensor grad) {
        return loss.compute(batch, outputs, grad);
      }

      @Override
      public boolean classifies() {
        return false;
      }
    };
  }
}
