package dev.whittle.eval.report;

import static dev.whittle.eval.report.Html.escape;

import java.util.List;
import java.util.function.DoubleFunction;

/**
 * One chart as inline SVG: a plot area with two axes, their ticks and titles, and the marks
 * added to it (points, lines, bars). Every data mark carries a class ({@code point}, {@code
 * bin}) and a {@code <title>} that a browser shows on hover, so the page needs no script.
 */
final class SvgChart {
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 12;
  private static final int BOTTOM = 46;

  private final String id;
  private final String label;
  private final int width;
  private final int height;
  private final StringBuilder marks = new StringBuilder();
  private Scale x;
  private Scale y;
  private String xTitle = "";
  private String yTitle = "";
  private DoubleFunction<String> xTicks = Html::shortNumber;
  private DoubleFunction<String> yTicks = Html::shortNumber;

  /**
   * @param id the element id (tests and links find the chart by it)
   * @param label what the chart shows, for screen readers
   */
  SvgChart(String id, String label, int width, int height) {
    this.id = id;
    this.label = label;
    this.width = width;
    this.height = height;
  }

  SvgChart x(String title, Scale scale, DoubleFunction<String> ticks) {
    this.xTitle = title;
    this.x = scale;
    this.xTicks = ticks;
    return this;
  }

  SvgChart y(String title, Scale scale, DoubleFunction<String> ticks) {
    this.yTitle = title;
    this.y = scale;
    this.yTicks = ticks;
    return this;
  }

  double sx(double v) {
    return LEFT + x.at(v) * (width - LEFT - RIGHT);
  }

  double sy(double v) {
    return height - BOTTOM - y.at(v) * (height - TOP - BOTTOM);
  }

  /** A data point; {@code ring} draws it hollow with a thick outline (the Pareto front). */
  SvgChart point(double vx, double vy, String color, String title, boolean ring) {
    marks.append("<circle class=\"point").append(ring ? " front" : "").append("\" cx=\"")
        .append(Html.px(sx(vx))).append("\" cy=\"").append(Html.px(sy(vy)))
        .append("\" r=\"").append(ring ? "6" : "4").append("\" fill=\"")
        .append(ring ? "white" : color).append("\" stroke=\"").append(color)
        .append("\" stroke-width=\"").append(ring ? "3" : "1").append("\"><title>")
        .append(escape(title)).append("</title></circle>\n");
    return this;
  }

  /** A text label beside a point. */
  SvgChart note(double vx, double vy, String text) {
    marks.append("<text class=\"note\" x=\"").append(Html.px(sx(vx) + 8)).append("\" y=\"")
        .append(Html.px(sy(vy) - 6)).append("\">").append(escape(text)).append("</text>\n");
    return this;
  }

  /** A line through {@code (x, y)} pairs, in order. */
  SvgChart line(List<double[]> points, String color, boolean dashed) {
    if (points.size() < 2) {
      return this;
    }
    marks.append("<polyline fill=\"none\" stroke=\"").append(color)
        .append("\" stroke-width=\"1.5\"").append(dashed ? " stroke-dasharray=\"5 4\"" : "")
        .append(" points=\"");
    for (double[] p : points) {
      marks.append(Html.px(sx(p[0]))).append(',').append(Html.px(sy(p[1]))).append(' ');
    }
    marks.setLength(marks.length() - 1);
    marks.append("\"/>\n");
    return this;
  }

  /** A histogram bin from {@code x0} to {@code x1}, {@code count} high. */
  SvgChart bin(double x0, double x1, double count, String color, String title) {
    double top = sy(count);
    double base = sy(y.lo());
    marks.append("<rect class=\"bin\" x=\"").append(Html.px(sx(x0))).append("\" y=\"")
        .append(Html.px(top)).append("\" width=\"").append(Html.px(Math.max(0.5, sx(x1) - sx(x0))))
        .append("\" height=\"").append(Html.px(base - top)).append("\" fill=\"").append(color)
        .append("\"><title>").append(escape(title)).append("</title></rect>\n");
    return this;
  }

  String render() {
    StringBuilder b = new StringBuilder();
    b.append("<svg id=\"").append(escape(id)).append("\" class=\"chart\" role=\"img\"")
        .append(" aria-label=\"").append(escape(label)).append("\" viewBox=\"0 0 ").append(width)
        .append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
    double plotBottom = height - BOTTOM;
    for (double t : x.ticks()) {
      double p = sx(t);
      b.append("<line class=\"gridline\" x1=\"").append(Html.px(p)).append("\" x2=\"")
          .append(Html.px(p)).append("\" y1=\"").append(TOP).append("\" y2=\"")
          .append(Html.px(plotBottom)).append("\"/>")
          .append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(Html.px(p))
          .append("\" y=\"").append(Html.px(plotBottom + 16)).append("\">")
          .append(escape(xTicks.apply(t))).append("</text>\n");
    }
    for (double t : y.ticks()) {
      double p = sy(t);
      b.append("<line class=\"gridline\" x1=\"").append(LEFT).append("\" x2=\"").append(width - RIGHT)
          .append("\" y1=\"").append(Html.px(p)).append("\" y2=\"").append(Html.px(p))
          .append("\"/>").append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(LEFT - 6)
          .append("\" y=\"").append(Html.px(p + 4)).append("\">")
          .append(escape(yTicks.apply(t))).append("</text>\n");
    }
    b.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP)
        .append("\" width=\"").append(width - LEFT - RIGHT).append("\" height=\"")
        .append(Html.px(plotBottom - TOP)).append("\"/>\n");
    b.append("<text class=\"axis\" text-anchor=\"middle\" x=\"")
        .append(Html.px(LEFT + (width - LEFT - RIGHT) / 2.0)).append("\" y=\"").append(height - 8)
        .append("\">").append(escape(xTitle)).append("</text>\n");
    b.append("<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(14,")
        .append(Html.px((TOP + plotBottom) / 2)).append(") rotate(-90)\">")
        .append(escape(yTitle)).append("</text>\n");
    b.append(marks);
    b.append("</svg>\n");
    return b.toString();
  }
}
