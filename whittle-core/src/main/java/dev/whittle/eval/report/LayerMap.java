package dev.whittle.eval.report;

import static dev.whittle.eval.report.Html.escape;

import dev.whittle.eval.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer sparsity and bits of every model as a grid: a row per model, a column per layer
 * (every layer with parameters that any model has, in order of appearance); each cell is shaded
 * by the share of weights kept and says the sparsity and the bits per weight.
 */
final class LayerMap {
  private static final int NAME_WIDTH = 200;
  private static final int CELL_WIDTH = 104;
  private static final int CELL_HEIGHT = 30;
  private static final int HEAD = 28;

  private LayerMap() {}

  /** The layers with parameters, by name, over all models. */
  static List<String> layers(List<ReportModel> models) {
    List<String> names = new ArrayList<>();
    for (ReportModel m : models) {
      for (Metrics.LayerMetrics l : m.metrics().layers()) {
        if (l.params() > 0 && !names.contains(l.name())) {
          names.add(l.name());
        }
      }
    }
    return names;
  }

  /** How many cells {@link #render} draws: one per model and layer it has. */
  static int cells(List<ReportModel> models) {
    int n = 0;
    for (ReportModel m : models) {
      for (Metrics.LayerMetrics l : m.metrics().layers()) {
        n += l.params() > 0 ? 1 : 0;
      }
    }
    return n;
  }

  static String render(String id, List<ReportModel> models) {
    List<String> cols = layers(models);
    int width = NAME_WIDTH + CELL_WIDTH * Math.max(1, cols.size()) + 8;
    int height = HEAD + CELL_HEIGHT * models.size() + 4;
    StringBuilder b = new StringBuilder();
    b.append("<svg id=\"").append(escape(id)).append("\" class=\"chart\" role=\"img\"")
        .append(" aria-label=\"per-layer sparsity and bits\" viewBox=\"0 0 ").append(width)
        .append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
    for (int c = 0; c < cols.size(); c++) {
      b.append("<text class=\"axis\" text-anchor=\"middle\" x=\"")
          .append(NAME_WIDTH + CELL_WIDTH * c + CELL_WIDTH / 2).append("\" y=\"18\">")
          .append(escape(clip(cols.get(c), 14))).append("<title>").append(escape(cols.get(c)))
          .append("</title></text>\n");
    }
    for (int r = 0; r < models.size(); r++) {
      ReportModel m = models.get(r);
      int y = HEAD + CELL_HEIGHT * r;
      b.append("<text class=\"axis\" x=\"4\" y=\"").append(y + 19).append("\" fill=\"")
          .append(Palette.of(r)).append("\">").append(escape(clip(m.name(), 26)))
          .append("<title>").append(escape(m.name())).append("</title></text>\n");
      Map<String, Metrics.LayerMetrics> byName = new LinkedHashMap<>();
      for (Metrics.LayerMetrics l : m.metrics().layers()) {
        byName.put(l.name(), l);
      }
      for (int c = 0; c < cols.size(); c++) {
        Metrics.LayerMetrics l = byName.get(cols.get(c));
        int x = NAME_WIDTH + CELL_WIDTH * c;
        if (l == null || l.params() == 0) {
          b.append("<rect class=\"absent\" x=\"").append(x + 1).append("\" y=\"").append(y + 1)
              .append("\" width=\"").append(CELL_WIDTH - 2).append("\" height=\"")
              .append(CELL_HEIGHT - 2).append("\"/>\n");
          continue;
        }
        double kept = (double) l.nonzeros() / l.params();
        // Light for sparse layers, dark for dense ones; white text on the dark half.
        int shade = (int) Math.round(235 - 170 * kept);
        String fill = Html.fmt("rgb(%d,%d,%d)", shade, Math.min(255, shade + 12), 255);
        String text = Html.fmt("%.1f%% · %d b", 100 * (1 - kept), l.bits());
        b.append("<g class=\"cell\"><rect x=\"").append(x + 1).append("\" y=\"").append(y + 1)
            .append("\" width=\"").append(CELL_WIDTH - 2).append("\" height=\"")
            .append(CELL_HEIGHT - 2).append("\" fill=\"").append(fill).append("\"/>")
            .append("<text text-anchor=\"middle\" x=\"").append(x + CELL_WIDTH / 2)
            .append("\" y=\"").append(y + 19).append("\" fill=\"")
            .append(kept > 0.55 ? "white" : "#222").append("\">").append(escape(text))
            .append("</text><title>")
            .append(escape(Html.fmt("%s, %s (%s): %,d of %,d weights non-zero, sparsity %.1f%%,"
                    + " %d bits, %s, %s", m.name(), l.name(), l.kind(), l.nonzeros(),
                l.params(), 100 * (1 - kept), l.bits(), l.encoding(), Html.bytes(l.bytes()))))
            .append("</title></g>\n");
      }
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
