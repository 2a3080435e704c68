package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import java.util.List;
import java.util.Map;

/**
 * How much each weight matters: higher scores are kept. Already-pruned weights score
 * -infinity, so pruning never brings a weight back.
 */
public interface Importance {
  /** Scores per prunable layer, by layer name (see {@link Prunable}). */
  Map<String, float[]> scores(Model model);

  /** |w| (Han et al. 2015). */
  static Importance magnitude() {
    return new MagnitudeImportance();
  }

  /** Uniform random scores from a seed: the baseline every pruning paper compares against. */
  static Importance random(long seed) {
    return new RandomImportance(seed);
  }

  /** |w * dL/dw| averaged over {@code batches} batches (Molchanov et al. 2017, first order). */
  static Importance firstOrder(Dataset data, int batches, long seed) {
    return new FirstOrderImportance(data, batches, seed);
  }

  static Importance named(String method, Dataset data, int batches, long seed) {
    checkName(method);
    return switch (method) {
      case "magnitude", "l1" -> magnitude();
      case "random" -> random(seed);
      case "first-order" -> firstOrder(data, batches, seed);
      default -> throw new InputException("--method: unknown pruning method '" + method
          + "'; expected magnitude, first-order, random or l1");
    };
  }

  /** The criteria {@link #named} knows. */
  List<String> METHODS = List.of("magnitude", "first-order", "random", "l1");

  /** Checks that {@code method} is one of {@link #METHODS}. */
  static void checkName(String method) {
    if (!METHODS.contains(method)) {
      throw new InputException("--method: unknown pruning method '" + method
          + "'; expected magnitude, first-order, random or l1");
    }
  }

  /** Sets the scores of entries a mask already prunes to -infinity. */
  static void respectMask(Mask mask, float[] scores) {
    if (mask == null) {
      return;
    }
    for (int i = 0; i < scores.length; i++) {
      if (!mask.kept(i)) {
        scores[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
