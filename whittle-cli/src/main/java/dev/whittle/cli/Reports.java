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

  /** The benchmark table: one row per model, ratios against the first. */
  static void bench(PrintStream out, List<Metrics> ms) {
    Metrics base = ms.get(0);
    Table t = new Table("model", "accuracy", "delta", "params", "nonzero", "bytes", "ratio",
        "dense MACs", "MACs", "train s", "p50 us", "p99 us", "speedup", "samples/s", "x base");
    for (Metrics m : ms) {
      t.row(m.model(), pct(m.accuracy()),
          m == base ? "" : fmt("%+.2f", 100 * (m.accuracy() - base.accuracy())),
          count(m.params()), count(m.nonzeroParams()), bytes(m.bytes()),
          fmt("%.1fx", m.compressionRatio()), count(m.denseMacs()), count(m.macs()),
          m.trainSeconds() == null ? null : fmt("%.1f", m.trainSeconds()),
          fmt("%.1f", m.latencyUsB1P50()), fmt("%.1f", m.latencyUsB1P99()),
          fmt("%.2fx", base.latencyUsB1P50() / m.latencyUsB1P50()),
          fmt("%,.0f", m.throughputB256Sps()),
          fmt("%.2fx", m.throughputB256Sps() / base.throughputB256Sps()));
    }
    t.print(out);
    out.println("threads: " + base.threads() + "; latency at batch 1, throughput at the large batch;"
        + " train s: every step that made the model");
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
