package dev.whittle.cli;

import dev.whittle.eval.Metrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code whittle distill} prints and writes: one row per model, in the order of Hinton et
 * al. 2015's tables (teacher, student alone, student distilled), with test errors counted as
 * they count them.
 */
final class DistillReport {
  private DistillReport() {}

  /** A model and its part: teacher, alone or distilled. */
  record Row(String role, Metrics metrics) {}

  static long errors(Metrics m) {
    return Math.round((1 - m.accuracy()) * m.testSamples());
  }

  static void print(PrintStream out, List<Row> rows) {
    Table t = new Table("model", "role", "accuracy", "errors", "params", "nonzero", "bytes",
        "ratio", "MACs", "train s");
    for (Row r : rows) {
      Metrics m = r.metrics();
      t.row(m.model(), r.role(), Reports.pct(m.accuracy()), errors(m), Reports.count(m.params()),
          Reports.count(m.nonzeroParams()), m.bytes() == null ? null : Reports.bytes(m.bytes()),
          m.compressionRatio() == null ? null : Reports.fmt("%.1fx", m.compressionRatio()),
          Reports.count(m.macs()),
          m.trainSeconds() == null ? null : Reports.fmt("%.1f", m.trainSeconds()));
    }
    t.print(out);
  }

  /** The metrics objects of DESIGN.md, each with its role and test errors added. */
  static List<Object> json(List<Row> rows) {
    List<Object> all = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = r.metrics().toMap();
      m.put("role", r.role());
      m.put("test_errors", errors(r.metrics()));
      all.add(m);
    }
    return all;
  }
}
