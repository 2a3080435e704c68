package dev.whittle.cli;

import dev.whittle.eval.Metrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The short human tables commands print on stdout. */
final class Reports {
  private Reports() {}

  static void printMetrics(PrintStream out, Metrics m) {
    compare(out, List.of(m));
  }

  /** One row per model, the first as the baseline. */
  static void compare(PrintStream out, List<Metrics> ms) {
    Table t = new Table("model", "accuracy", "params", "nonzero", "bytes", "ratio", "MACs",
        "train s");
    for (Metrics m : ms) {
      t.row(m.model(), pct(m.accuracy()), count(m.params()), count(m.nonzeroParams()),
          m.bytes() == null ? null : bytes(m.bytes()),
          m.compressionRatio() == null ? null : fmt("%.1fx", m.compressionRatio()),
          count(m.macs()), m.trainSeconds() == null ? null : fmt("%.1f", m.trainSeconds()));
    }
    t.print(out);
  }

  static String pct(Double v) {
    return v == null ? null : fmt("%.2f%%", 100 * v);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String bytes(long b) {
    if (b < 10_000) {
      return b + " B";
    }
    if (b < 10_000_000) {
      return fmt("%.1f KB", b / 1000.0);
    }
    return fmt("%.1f MB", b / 1e6);
  }

  static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
