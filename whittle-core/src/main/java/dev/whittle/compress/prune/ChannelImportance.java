package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import java.util.Map;

/**
 * How much each output channel (a neuron of a Dense, a filter of a Conv2d) matters: higher
 * scores are kept. Scores are per layer, by layer name, one per output channel; channels that a
 * residual Add joins are ranked by the sum of their members' scores.
 */
public interface ChannelImportance {
  /** One score per output channel of every Dense and Conv2d layer, by layer name. */
  Map<String, float[]> scores(Model model);

  /**
   * The L1 norm of the channel's weights (Li et al. 2017, "Pruning filters for efficient
   * ConvNets"), per weight: sum |w| / n, so that layers of different fan-in compare.
   */
  static ChannelImportance l1() {
    return new ChannelNormImportance(1);
  }

  /** The L2 norm of the channel's weights, per weight: sqrt(sum w^2 / n). */
  static ChannelImportance l2() {
    return new ChannelNormImportance(2);
  }

  /**
   * First-order Taylor importance of the whole channel, averaged over {@code batches} batches of
   * training data: (sum_i w_i dL/dw_i)^2 (Molchanov et al. 2019, eq. 8).
   */
  static ChannelImportance firstOrder(Dataset data, int batches, long seed) {
    if (data == null || data.n() == 0 || !data.labelled()) {
      throw new InputException("--structured first-order needs labelled training data");
    }
    if (batches < 1) {
      throw new InputException("--importance-batches must be at least 1, got " + batches);
    }
    return new ChannelTaylorImportance(data, batches, seed);
  }

  /** {@code l1}, {@code l2} or {@code first-order}. */
  static ChannelImportance named(String criterion, Dataset data, int batches, long seed) {
    return switch (criterion) {
      case "l1" -> l1();
      case "l2" -> l2();
      case "first-order" -> firstOrder(data, batches, seed);
      default -> throw new InputException("--structured: unknown criterion '" + criterion
          + "'; expected l1, l2 or first-order");
    };
  }
}
