package dev.whittle.train;

import dev.whittle.InputException;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients. State (momentum, moments) is kept per parameter name
 * and saved in checkpoints, so a resumed run continues exactly.
 */
public interface Optimizer {
  /** One update of every parameter with learning rate {@code lr}. */
  void step(Map<String, Parameter> params, double lr);

  /** The state to save, by name; {@link #loadState} takes it back. */
  Map<String, Tensor> state();

  void loadState(Map<String, Tensor> state);

  static Optimizer sgd(double momentum, boolean nesterov, double weightDecay) {
    return new Sgd(momentum, nesterov, weightDecay);
  }

  static Optimizer adam(double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(beta1, beta2, eps, weightDecay, false);
  }

  /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
  static Optimizer adamW(double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(beta1, beta2, eps, weightDecay, true);
  }

  static Optimizer named(String name, double momentum, double weightDecay) {
    return switch (name) {
      case "sgd" -> sgd(momentum, false, weightDecay);
      case "nesterov" -> sgd(momentum, true, weightDecay);
      case "adam" -> adam(0.9, 0.999, 1e-8, weightDecay);
      case "adamw" -> adamW(0.9, 0.999, 1e-8, weightDecay);
      default -> throw new InputException(
          "--optimizer: unknown optimizer '" + name + "'; expected sgd, nesterov, adam or adamw");
    };
  }
}
