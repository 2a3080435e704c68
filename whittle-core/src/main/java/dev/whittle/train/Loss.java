package dev.whittle.train;

import dev.whittle.tensor.Tensor;

/**
 * A loss over a batch of outputs (n, k). {@link #compute} returns the mean loss over the batch
 * and writes its gradient with respect to the outputs into {@code grad}.
 */
public interface Loss {
  double compute(Tensor outputs, int[] labels, Tensor grad);

  static Loss crossEntropy() {
    return new SoftmaxCrossEntropy();
  }

  static Loss mse() {
    return new MeanSquaredError();
  }

  static Loss named(String name) {
    return switch (name) {
      case "cross-entropy", "ce" -> crossEntropy();
      case "mse" -> mse();
      default -> throw new dev.whittle.InputException(
          "--loss: unknown loss '" + name + "'; expected cross-entropy or mse");
    };
  }
}
