package dev.whittle.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.eval.Metrics;
import dev.whittle.eval.StepHistory;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page as text: escaping, self-containment and the marks of each chart, without a browser. */
class ReportHtmlTest {
  private static final String EVIL = "<script>alert(1)</script>";

  private static ReportModel model(String name, String layer, double acc, long bytes, double p50,
      int epochs, float... weights) {
    List<Metrics.LayerMetrics> layers = List.of(
        new Metrics.LayerMetrics(layer, "dense", 100, 40, 5, "codebook5", 80, 100),
        new Metrics.LayerMetrics("relu", "relu", 0, 0, 32, "f32", 0, 0));
    Metrics m = new Metrics(name, "digits", acc, 360, 100, 40, bytes, 40, 100, 1.5, p50, p50 * 2,
        1e5, 1, layers);
    List<StepHistory.Epoch> curve = new java.util.ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      curve.add(new StepHistory.Epoch(0, e, 1.0 / (e + 1), 0.5 + 0.1 * e, Double.NaN,
          Double.NaN));
    }
    return new ReportModel(name, m, weights, curve, List.of("whittle train " + name));
  }

  @Test
  void userTextIsEscapedAndEveryChartHasItsMarks() {
    List<ReportModel> models = List.of(
        model("base", "fc1", 0.98, 4000, 20, 3, 0.5f, -0.25f, 0.125f),
        model(EVIL, "<img src=x onerror=alert(2)>", 0.97, 500, 10, 4, 0.5f, 0.5f),
        model("a&b \"q\"", "fc1", 0.90, 600, 12, 0));
    String html = Report.html("report of " + EVIL, models);
    assertFalse(html.contains("<script"), "no script element at all");
    assertFalse(html.contains("<img"), "a layer name is text, not markup");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(html.contains("a&amp;b &quot;q&quot;"));
    assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assertFalse(Pattern.compile("<[^>]*\\s(src|href)=|url\\(|@import|<link|<iframe|<object")
        .matcher(html).find(), "nothing loaded from anywhere");
    assertEquals(html.split("http").length - 1, html.split("xmlns=\"http://www.w3.org/2000/svg\"")
        .length - 1, "the only address is the SVG namespace");

    assertEquals(3, marks(html, Report.SIZE_CHART, "point"));
    assertEquals(3, marks(html, Report.LATENCY_CHART, "point"));
    // the front on size: 500 B @ 97% and 4000 B @ 98%; 600 B @ 90% is dominated
    assertEquals(2, marks(html, Report.SIZE_CHART, "point front"));
    assertEquals(3, marks(html, Report.LAYER_CHART, "cell"), "one layer with parameters each");
    for (int i = 0; i < 3; i++) {
      assertEquals(Report.BINS, marks(html, Report.HISTOGRAM_PREFIX + i, "bin"));
    }
    assertEquals(7, marks(html, Report.LOSS_CHART, "point"), "3 + 4 + 0 epochs");
    assertEquals(7, marks(html, Report.ACCURACY_CHART, "point"));
    // base's weights 0.5, -0.25, 0.125: three bins of height 1
    assertEquals(3, Pattern.compile("base: 1 weights in").matcher(html).results().count());
  }

  /** The marks with class {@code cls} (and maybe more classes) inside the svg with {@code id}. */
  static long marks(String html, String id, String cls) {
    Matcher m = Pattern.compile("<svg id=\"" + id + "\".*?</svg>", Pattern.DOTALL).matcher(html);
    assertTrue(m.find(), "chart " + id);
    return Pattern.compile("class=\"" + cls + "( [^\"]*)?\"").matcher(m.group()).results()
        .count();
  }
}
