package dev.whittle.compress.prune;

import dev.whittle.data.Dataset;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-layer sensitivity (Han et al. 2015, Figure 5): each layer pruned alone by magnitude at a
 * range of sparsities, without fine-tuning, and the test accuracy of each result. Layers whose
 * accuracy holds up can be pruned harder.
 */
public final class Sensitivity {
  private Sensitivity() {}

  /** The accuracy of the model with one layer pruned to one sparsity. */
  public record Point(String layer, double sparsity, double accuracy) {}

  public static final double[] DEFAULT_SPARSITIES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
      0.9, 0.95};

  /** The model is left as it was. */
  public static List<Point> run(Model model, Dataset test, double[] sparsities) {
    Map<String, Tensor> saved = Trainer.snapshot(model);
    Map<String, Parameter> weights = Prunable.weights(model);
    List<Point> out = new ArrayList<>();
    for (String layer : weights.keySet()) {
      for (double s : sparsities) {
        Pruner.prune(model, Importance.magnitude(), new PruneSpec(0, Map.of(layer, s), false),
            "magnitude");
        out.add(new Point(layer, s, PlanAccuracy.of(Plan.compile(model), test)));
        for (Parameter p : weights.values()) {
          p.clearConstraints();
        }
        Trainer.restore(model, saved);
      }
    }
    return out;
  }
}
