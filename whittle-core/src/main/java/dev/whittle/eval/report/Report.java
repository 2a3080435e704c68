package dev.whittle.eval.report;

import static dev.whittle.eval.report.Html.escape;

import dev.whittle.eval.Metrics;
import dev.whittle.eval.StepHistory;
import dev.whittle.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The HTML report of a comparison, the first model as the baseline. Charts have fixed ids so
 * that links (and tests) can find them: {@value #SIZE_CHART}, {@value #LATENCY_CHART}, {@value
 * #LAYER_CHART}, {@value #LOSS_CHART}, {@value #ACCURACY_CHART}, and {@code hist-I} for model I's
 * weight histogram. Data marks have the class {@code point} (a model or an epoch), {@code bin} (a
 * histogram bin) or {@code cell} (a layer of a model).
 */
public final class Report {
  public static final String SIZE_CHART = "chart-size";
  public static final String LATENCY_CHART = "chart-latency";
  public static final String LAYER_CHART = "chart-layers";
  public static final String LOSS_CHART = "chart-loss";
  public static final String ACCURACY_CHART = "chart-accuracy";
  public static final String HISTOGRAM_PREFIX = "hist-";
  /** Bins of every weight histogram. */
  public static final int BINS = WeightHistogram.BINS;

  private Report() {}

  /** Writes the report atomically: readers see the old file or the whole new one. */
  public static void write(Path out, String title, List<ReportModel> models) {
    AtomicFile.write(out, html(title, models).getBytes(StandardCharsets.UTF_8));
  }

  /** The page, with {@code title} (escaped) as its heading. */
  public static String html(String title, List<ReportModel> models) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one model");
    }
    Metrics base = models.get(0).metrics();
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append(Style.CSS).append("</style>\n</head>\n<body>\n<h1>").append(escape(title))
        .append("</h1>\n<p class=\"meta\">").append(models.size())
        .append(models.size() == 1 ? " model" : " models").append(" on ")
        .append(escape(base.dataset() == null ? "an unnamed data set" : base.dataset()))
        .append(base.testSamples() == null ? "" : " (" + Html.count(base.testSamples())
            + " test samples)")
        .append("; baseline <strong>").append(escape(models.get(0).name())).append("</strong>")
        .append(base.threads() == null ? "" : "; timings with " + base.threads()
            + (base.threads() == 1 ? " thread" : " threads") + ", latency at batch 1, throughput"
            + " at batch 256")
        .append(".</p>\n");

    section(b, "comparison-section", "Comparison", "Ratios are against the baseline: compression"
        + " is dense float32 bytes over file bytes; MACs saved is dense over executed"
        + " multiply-adds; train s sums the training and fine-tuning of every step that made the"
        + " model (from its provenance).");
    b.append("<div class=\"scroll\">").append(ComparisonTable.render(models)).append("</div>\n");

    section(b, "tradeoff-section", "Accuracy against size and latency", "Ringed points are on"
        + " the Pareto front (no other model is both smaller or faster and at least as accurate),"
        + " joined by the dashed line. Hover over a point for its values.");
    b.append("<div class=\"grid\"><figure>")
        .append(TradeOffChart.render(SIZE_CHART, "file size", models, Metrics::bytes,
            Html::bytes))
        .append("<figcaption>accuracy against file size</figcaption></figure><figure>")
        .append(TradeOffChart.render(LATENCY_CHART, "latency p50 at batch 1 (µs)", models,
            Metrics::latencyUsB1P50, v -> Html.shortNumber(v) + " µs"))
        .append("<figcaption>accuracy against latency</figcaption></figure></div>\n");
    b.append(legend(models));

    section(b, "layers-section", "Sparsity and bits per layer", "Each cell: the share of the"
        + " layer's parameters that are zero, and the bits per stored weight; darker cells keep"
        + " more weights.");
    b.append("<div class=\"scroll\">").append(LayerMap.render(LAYER_CHART, models))
        .append("</div>\n");

    double r = WeightHistogram.range(models);
    section(b, "weights-section", "Weight distributions", Html.fmt("Non-zero weights of every"
        + " dense and convolution layer, as the forward pass sees them, in %d bins over"
        + " [%.3g, %.3g] (values beyond go to the edge bins); as figure 5 of Deep Compression.",
        BINS, -r, r));
    b.append("<div class=\"grid\">");
    for (int i = 0; i < models.size(); i++) {
      ReportModel m = models.get(i);
      b.append("<figure>").append(WeightHistogram.render(HISTOGRAM_PREFIX + i, m, i, r))
          .append("<figcaption>").append(escape(m.name())).append(": ")
          .append(Html.count(m.weights().length)).append(" non-zero weights</figcaption></figure>");
    }
    b.append("</div>\n");

    section(b, "curves-section", "Training curves", "Every epoch of every step that made each"
        + " model, from its provenance: training first, then each fine-tuning; validation, where"
        + " recorded, dashed. Steps without a recorded curve add no epochs.");
    b.append("<div class=\"grid\"><figure>")
        .append(CurveChart.render(LOSS_CHART, "training loss", models,
            StepHistory.Epoch::trainLoss, StepHistory.Epoch::valLoss, 1))
        .append("<figcaption>loss per epoch</figcaption></figure><figure>")
        .append(CurveChart.render(ACCURACY_CHART, "training accuracy (%)", models,
            StepHistory.Epoch::trainAccuracy, StepHistory.Epoch::valAccuracy, 100))
        .append("<figcaption>accuracy on the training data per epoch</figcaption></figure>")
        .append("</div>\n");
    b.append(legend(models));

    section(b, "steps-section", "How each model was made", "The steps recorded in each model's"
        + " provenance, first to last.");
    b.append("<dl class=\"steps\">\n");
    for (int i = 0; i < models.size(); i++) {
      ReportModel m = models.get(i);
      b.append("<dt>").append(escape(m.name())).append("</dt>");
      if (m.commands().isEmpty()) {
        b.append("<dd>not recorded</dd>\n");
      }
      for (String c : m.commands()) {
        b.append("<dd><code>").append(escape(c)).append("</code></dd>\n");
      }
    }
    b.append("</dl>\n<footer>Written by Whittle.</footer>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void section(StringBuilder b, String id, String title, String note) {
    b.append("<h2 id=\"").append(id).append("\">").append(escape(title)).append("</h2>\n")
        .append("<p class=\"note\">").append(escape(note)).append("</p>\n");
  }

  private static String legend(List<ReportModel> models) {
    StringBuilder b = new StringBuilder("<ul class=\"legend\">");
    for (int i = 0; i < models.size(); i++) {
      b.append("<li><span class=\"swatch\" style=\"background:").append(Palette.of(i))
          .append("\"></span>").append(escape(models.get(i).name())).append("</li>");
    }
    return b.append("</ul>\n").toString();
  }
}
