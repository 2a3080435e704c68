package dev.whittle.eval.report;

import dev.whittle.eval.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * Accuracy against a cost (file size, latency), one point per model on a log cost axis; the
 * Pareto front's points are drawn as rings and joined by a dashed line.
 */
final class TradeOffChart {
  private static final int LABEL_ALL = 6;
  private TradeOffChart() {}

  /**
   * @param cost the cost of a model's metrics, or null when it was not measured (the model is
   *     then left out of this chart)
   */
  static String render(String id, String costTitle, List<ReportModel> models,
      Function<Metrics, ? extends Number> cost, DoubleFunction<String> costText) {
    int n = models.size();
    double[] c = new double[n];
    double[] a = new double[n];
    double minC = Double.POSITIVE_INFINITY;
    double maxC = 0;
    double minA = Double.POSITIVE_INFINITY;
    double maxA = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      Metrics m = models.get(i).metrics();
      Number v = cost.apply(m);
      c[i] = v == null || !(v.doubleValue() > 0) ? Double.NaN : v.doubleValue();
      a[i] = m.accuracy() == null ? Double.NaN : 100 * m.accuracy();
      if (!Double.isNaN(c[i]) && !Double.isNaN(a[i])) {
        minC = Math.min(minC, c[i]);
        maxC = Math.max(maxC, c[i]);
        minA = Math.min(minA, a[i]);
        maxA = Math.max(maxA, a[i]);
      }
    }
    if (maxC == 0) {
      return "<p class=\"empty\" id=\"" + id + "\">No model has both an accuracy and a "
          + Html.escape(costTitle) + ".</p>\n";
    }
    boolean[] front = Pareto.front(c, a);
    SvgChart chart = new SvgChart(id, "accuracy against " + costTitle, 560, 360)
        .x(costTitle + " (log scale)", Scale.log(minC, maxC), costText)
        .y("accuracy (%)", Scale.linear(minA, maxA), v -> Html.fmt("%.1f", v));
    List<double[]> line = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (front[i]) {
        line.add(new double[] {c[i], a[i]});
      }
    }
    line.sort(Comparator.comparingDouble(p -> p[0]));
    chart.line(line, "#888", true);
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(c[i]) || Double.isNaN(a[i])) {
        continue;
      }
      String name = models.get(i).name();
      chart.point(c[i], a[i], Palette.of(i), Html.fmt("%s: %.2f%%, %s%s", name, a[i],
          costText.apply(c[i]), front[i] ? " (on the Pareto front)" : ""), front[i]);
      // Past a handful of models the labels would overlap: name the front only (the others
      // have their tooltip and the legend's color).
      if (front[i] || n <= LABEL_ALL) {
        chart.note(c[i], a[i], name);
      }
    }
    return chart.render();
  }
}
