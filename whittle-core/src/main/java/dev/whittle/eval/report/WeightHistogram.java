package dev.whittle.eval.report;

import java.util.Arrays;

/**
 * Histograms of the non-zero weight values of each model over one shared range, as in Deep
 * Compression's figure 5 (Han et al. 2016): pruning empties the middle, sharing leaves a spike
 * per centroid, quantization a comb of levels.
 */
final class WeightHistogram {
  /** Bins per histogram: odd, so that one bin is centred on zero. */
  static final int BINS = 61;

  private WeightHistogram() {}

  /**
   * The shared range, [-r, r]: r is the largest 99.9th percentile of |w| over the models, so a
   * few outliers do not squeeze every histogram into its middle bins (they are counted in the
   * edge bins).
   */
  static double range(Iterable<ReportModel> models) {
    double r = 0;
    for (ReportModel m : models) {
      float[] w = m.weights();
      if (w.length == 0) {
        continue;
      }
      float[] a = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        a[i] = Math.abs(w[i]);
      }
      Arrays.sort(a);
      r = Math.max(r, a[Math.min(a.length - 1, (int) Math.floor(0.999 * a.length))]);
    }
    return r > 0 ? r : 1;
  }

  /** Counts of {@code weights} in {@link #BINS} bins over [-r, r], outliers in the edge bins. */
  static long[] counts(float[] weights, double r) {
    long[] c = new long[BINS];
    double width = 2 * r / BINS;
    for (float v : weights) {
      int b = (int) Math.floor((v + r) / width);
      c[Math.max(0, Math.min(BINS - 1, b))]++;
    }
    return c;
  }

  static String render(String id, ReportModel model, int index, double r) {
    long[] c = counts(model.weights(), r);
    long max = Arrays.stream(c).max().orElse(0);
    SvgChart chart = new SvgChart(id, "non-zero weights of " + model.name(), 360, 220)
        .x("weight value", new Scale(-r, r, false), Html::shortNumber)
        .y("count", Scale.fromZero(max), Html::shortNumber);
    double width = 2 * r / BINS;
    for (int b = 0; b < BINS; b++) {
      double x0 = -r + b * width;
      chart.bin(x0, x0 + width, c[b], Palette.of(index), Html.fmt("%s: %,d weights in [%.4g, %.4g)",
          model.name(), c[b], x0, x0 + width));
    }
    return chart.render();
  }
}
