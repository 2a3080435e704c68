package dev.whittle.eval.report;

import dev.whittle.eval.StepHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Training curves from each model's provenance: one line per model over the epochs of every
 * step that made it (training, then fine-tuning), a point per epoch; validation values, where
 * recorded, as a dashed line of the same color.
 */
final class CurveChart {
  private CurveChart() {}

  /** How many points {@link #render} draws: one per epoch of every model with a curve. */
  static int points(List<ReportModel> models) {
    int n = 0;
    for (ReportModel m : models) {
      n += m.curve().size();
    }
    return n;
  }

  static String render(String id, String title, List<ReportModel> models,
      ToDoubleFunction<StepHistory.Epoch> train, ToDoubleFunction<StepHistory.Epoch> val,
      double scale) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int epochs = 0;
    for (ReportModel m : models) {
      for (StepHistory.Epoch e : m.curve()) {
        for (double v : new double[] {train.applyAsDouble(e), val.applyAsDouble(e)}) {
          if (Double.isFinite(v)) {
            lo = Math.min(lo, v * scale);
            hi = Math.max(hi, v * scale);
          }
        }
      }
      epochs = Math.max(epochs, m.curve().size());
    }
    if (epochs == 0 || !(hi >= lo)) {
      return "<p class=\"empty\" id=\"" + id + "\">No model records a training curve.</p>\n";
    }
    SvgChart chart = new SvgChart(id, title, 560, 320)
        .x("epoch (all steps)", Scale.linear(1, epochs),
            v -> v == Math.rint(v) ? Html.shortNumber(v) : "")
        .y(title, Scale.linear(lo, hi), Html::shortNumber);
    for (int i = 0; i < models.size(); i++) {
      ReportModel m = models.get(i);
      List<double[]> trainLine = new ArrayList<>();
      List<double[]> valLine = new ArrayList<>();
      for (StepHistory.Epoch e : m.curve()) {
        double t = train.applyAsDouble(e) * scale;
        double v = val.applyAsDouble(e) * scale;
        if (Double.isFinite(t)) {
          trainLine.add(new double[] {e.index() + 1, t});
        }
        if (Double.isFinite(v)) {
          valLine.add(new double[] {e.index() + 1, v});
        }
      }
      chart.line(trainLine, Palette.of(i), false);
      chart.line(valLine, Palette.of(i), true);
      for (StepHistory.Epoch e : m.curve()) {
        double t = train.applyAsDouble(e) * scale;
        // A point per epoch even where the value is missing (NaN), at the bottom, so the count
        // of points is the count of epochs.
        double shown = Double.isFinite(t) ? t : lo;
        String step = e.step() < m.commands().size() ? m.commands().get(e.step()) : "";
        chart.point(e.index() + 1, shown, Palette.of(i), Html.fmt("%s, epoch %d: %s%s",
            m.name(), e.index() + 1, Double.isFinite(t) ? Html.fmt("%.4g", t) : "not recorded",
            step.isEmpty() ? "" : " (" + step + ")"), false);
      }
    }
    return chart.render();
  }
}
