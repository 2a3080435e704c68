package dev.whittle.eval.report;

import static dev.whittle.eval.report.Html.escape;
import static dev.whittle.eval.report.Html.fmt;

import dev.whittle.eval.Metrics;
import java.util.List;

/** The comparison table of the report: a row per model, ratios against the first. */
final class ComparisonTable {
  private static final String[] HEAD = {
    "model", "accuracy", "Δ points", "params", "non-zero", "file", "compression", "dense MACs",
    "executed MACs", "MACs saved", "train s", "p50 µs", "p99 µs", "speedup", "samples/s",
    "× base", "threads"
  };

  private ComparisonTable() {}

  static String render(List<ReportModel> models) {
    Metrics base = models.get(0).metrics();
    StringBuilder b = new StringBuilder("<table id=\"comparison\">\n<thead><tr>");
    for (String h : HEAD) {
      b.append("<th>").append(escape(h)).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (int i = 0; i < models.size(); i++) {
      Metrics m = models.get(i).metrics();
      b.append("<tr class=\"model\"><td class=\"name\"><span class=\"swatch\" style=\"background:")
          .append(Palette.of(i)).append("\"></span>").append(escape(models.get(i).name()))
          .append(i == 0 ? " <em>(baseline)</em>" : "").append("</td>");
      cell(b, m.accuracy() == null ? null : fmt("%.2f%%", 100 * m.accuracy()));
      cell(b, i == 0 || m.accuracy() == null || base.accuracy() == null ? null
          : fmt("%+.2f", 100 * (m.accuracy() - base.accuracy())));
      cell(b, Html.count(m.params()));
      cell(b, Html.count(m.nonzeroParams()));
      cell(b, m.bytes() == null ? null : Html.bytes(m.bytes()));
      cell(b, m.compressionRatio() == null ? null : fmt("%.1f×", m.compressionRatio()));
      cell(b, Html.count(m.denseMacs()));
      cell(b, Html.count(m.macs()));
      cell(b, m.macs() == 0 ? null : fmt("%.1f×", (double) m.denseMacs() / m.macs()));
      cell(b, m.trainSeconds() == null ? null : fmt("%.1f", m.trainSeconds()));
      cell(b, m.latencyUsB1P50() == null ? null : fmt("%.1f", m.latencyUsB1P50()));
      cell(b, m.latencyUsB1P99() == null ? null : fmt("%.1f", m.latencyUsB1P99()));
      cell(b, ratio(base.latencyUsB1P50(), m.latencyUsB1P50()));
      cell(b, m.throughputB256Sps() == null ? null : fmt("%,.0f", m.throughputB256Sps()));
      cell(b, ratio(m.throughputB256Sps(), base.throughputB256Sps()));
      cell(b, m.threads() == null ? null : m.threads().toString());
      b.append("</tr>\n");
    }
    return b.append("</tbody>\n</table>\n").toString();
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null || !(b > 0) ? null : fmt("%.2f×", a / b);
  }

  private static void cell(StringBuilder b, String v) {
    b.append("<td>").append(v == null ? "–" : escape(v)).append("</td>");
  }
}
