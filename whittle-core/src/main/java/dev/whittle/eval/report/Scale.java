package dev.whittle.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A chart axis's mapping from data to [0, 1], linear or base-10 logarithmic, with tick values a
 * reader can take in (1, 2 or 5 times a power of ten).
 *
 * @param lo the smallest value shown (above 0 for a log scale)
 * @param hi the largest, above {@code lo}
 */
record Scale(double lo, double hi, boolean log) {
  Scale {
    if (!(hi > lo) || (log && !(lo > 0))) {
      throw new IllegalArgumentException("bad scale [" + lo + ", " + hi + "], log " + log);
    }
  }

  /** A linear scale over the values, padded by 5% (and widened when they are all equal). */
  static Scale linear(double min, double max) {
    if (!(max > min)) {
      double d = min == 0 ? 1 : Math.abs(min) * 0.05;
      return new Scale(min - d, max + d, false);
    }
    double pad = (max - min) * 0.05;
    return new Scale(min - pad, max + pad, false);
  }

  /** A linear scale starting at zero (for counts). */
  static Scale fromZero(double max) {
    return new Scale(0, max > 0 ? max * 1.05 : 1, false);
  }

  /** A log scale over positive values, padded by a tenth of a decade each side. */
  static Scale log(double min, double max) {
    double a = Math.log10(min);
    double b = Math.log10(Math.max(max, min));
    if (!(b > a)) {
      a -= 0.5;
      b += 0.5;
    }
    double pad = Math.max(0.1, (b - a) * 0.05);
    return new Scale(Math.pow(10, a - pad), Math.pow(10, b + pad), true);
  }

  /** Where {@code v} sits, from 0 at {@code lo} to 1 at {@code hi}. */
  double at(double v) {
    return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
        : (v - lo) / (hi - lo);
  }

  /** About five ticks inside the range. */
  List<Double> ticks() {
    List<Double> t = new ArrayList<>();
    if (log) {
      int a = (int) Math.floor(Math.log10(lo));
      int b = (int) Math.ceil(Math.log10(hi));
      int[] steps = b - a <= 2 ? new int[] {1, 2, 5} : new int[] {1};
      for (int e = a; e <= b; e++) {
        for (int s : steps) {
          double v = s * Math.pow(10, e);
          if (v >= lo && v <= hi) {
            t.add(v);
          }
        }
      }
      return t;
    }
    double raw = (hi - lo) / 5;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / p < 1.5 ? p : raw / p < 3.5 ? 2 * p : raw / p < 7.5 ? 5 * p : 10 * p;
    for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return t;
  }
}
