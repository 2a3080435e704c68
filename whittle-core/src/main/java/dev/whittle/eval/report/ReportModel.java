package dev.whittle.eval.report;

import dev.whittle.compress.prune.Prunable;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.StepHistory;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.List;
import java.util.Objects;

/**
 * One model of a report: its measured metrics, its name as shown, the non-zero values of its
 * weights as the forward pass sees them (after masks, codebooks and quantization), and the
 * steps that made it, from its provenance.
 *
 * @param weights the non-zero weights of every dense and convolution layer, layer after layer
 * @param curve every recorded training epoch of every step that made the model
 * @param commands the command of each step, first to last
 */
public record ReportModel(String name, Metrics metrics, float[] weights,
    List<StepHistory.Epoch> curve, List<String> commands) {
  public ReportModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(metrics, "metrics");
    weights = weights.clone();
    curve = List.copyOf(curve);
    commands = List.copyOf(commands);
  }

  /** Reads what the report shows from a loaded model; {@code name} is shown as given. */
  public static ReportModel of(String name, Metrics metrics, Model model) {
    int n = 0;
    for (Parameter p : Prunable.weights(model).values()) {
      for (float v : p.value().data()) {
        n += v != 0f ? 1 : 0;
      }
    }
    float[] w = new float[n];
    int k = 0;
    for (Parameter p : Prunable.weights(model).values()) {
      for (float v : p.value().data()) {
        if (v != 0f) {
          w[k++] = v;
        }
      }
    }
    return new ReportModel(name, metrics, w, StepHistory.curve(model.provenance()),
        StepHistory.commands(model.provenance()));
  }
}
