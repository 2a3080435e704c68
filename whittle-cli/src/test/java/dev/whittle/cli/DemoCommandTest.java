package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.eval.JsonReader;
import dev.whittle.eval.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whittle demo --quick}, as the README runs it: every step, the table and the report. */
class DemoCommandTest {
  static final List<String> FILES = List.of("seed-mlp.wtl", "lenet300.wtl",
      "lenet300-shared5.wtl", "lenet300-int8.wtl", "lenet300-int4.wtl", "lenet300-binary.wtl",
      "lenet300-ternary.wtl", "lenet300-magnitude90.wtl", "lenet300-magnitude90-int8.wtl",
      "lenet300-random90.wtl",
      "lenet300-neurons50.wtl", "student-hard.wtl", "student-soft.wtl", "student-unlabeled.wtl",
      "lenet300-deep-compression.wtl");

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void quickDemoMakesEveryVariantAndItsReport() throws IOException {
    long t0 = System.nanoTime();
    CliRun r = CliRun.of("demo", "--quick", "--out", dir.toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.code(), r.err());
    System.out.printf("demo --quick: %.1f s%n%s", seconds, r.out());
    assertTrue(seconds < 120, "demo --quick took " + seconds + " s");
    for (int i = 1; i <= FILES.size(); i++) {
      assertTrue(r.err().contains("demo " + i + "/" + FILES.size() + ": "), "stage " + i);
    }
    List<Map<String, Object>> rows = (List<Map<String, Object>>) JsonReader.parse(
        Files.readString(dir.resolve("demo.json")));
    assertEquals(FILES.size(), rows.size());
    for (int i = 0; i < FILES.size(); i++) {
      Map<String, Object> row = rows.get(i);
      Path f = dir.resolve(FILES.get(i));
      assertEquals(FILES.get(i), row.get("model"));
      assertEquals((double) Files.size(f), row.get("bytes"), FILES.get(i));
      assertTrue(r.out().contains("\n" + FILES.get(i) + " "), "a table row for " + f);
      assertTrue((Double) row.get("latency_us_b1_p50") > 0, FILES.get(i));
    }
    Map<String, Double> acc = new java.util.HashMap<>();
    Map<String, Double> train = new java.util.HashMap<>();
    for (Map<String, Object> row : rows) {
      acc.put((String) row.get("model"), (Double) row.get("accuracy"));
      train.put((String) row.get("model"), (Double) row.get("train_seconds"));
    }
    // One epoch on 6,000 MNIST images: far above chance (10%) where the model keeps its weights.
    for (String f : List.of("lenet300.wtl", "lenet300-shared5.wtl", "lenet300-int8.wtl",
        "lenet300-magnitude90.wtl", "lenet300-magnitude90-int8.wtl", "student-soft.wtl",
        "lenet300-deep-compression.wtl")) {
      assertTrue(acc.get(f) > 0.8, f + " " + acc.get(f));
    }
    assertTrue(acc.get("lenet300-magnitude90.wtl") > acc.get("lenet300-random90.wtl"),
        "magnitude beats random pruning at 90%");
    // The pruned model at int8 stores its kept codes only: smaller than either parent.
    long prunedInt8 = Files.size(dir.resolve("lenet300-magnitude90-int8.wtl"));
    assertTrue(prunedInt8 < Files.size(dir.resolve("lenet300-magnitude90.wtl")), "pruned int8");
    assertTrue(prunedInt8 < Files.size(dir.resolve("lenet300-int8.wtl")) / 3, "pruned int8");
    // A variant's training time includes its baseline's.
    assertTrue(train.get("lenet300-shared5.wtl") > train.get("lenet300.wtl"));
    assertTrue(((Double) rows.get(7).get("nonzero_params")) < 0.11 * (Double) rows.get(7)
        .get("params"), "90% pruned");
    // Deep Compression: pruned to 7% (the recipe's 93%) and shared, the smallest file of the demo.
    Map<String, Object> dc = rows.get(FILES.size() - 1);
    assertTrue((Double) dc.get("nonzero_params") < 0.08 * (Double) dc.get("params"), "93% pruned");
    for (Map<String, Object> row : rows) {
      assertTrue((Double) dc.get("bytes") <= (Double) row.get("bytes"), row.get("model")
          + " is smaller than the Deep Compression model");
    }

    HeadlessChromium.Page page = HeadlessChromium.find().open(dir.resolve("report.html"));
    assertEquals(List.of(), page.console());
    assertEquals(FILES.size(), BenchReportTest.marks(page.dom(), Report.SIZE_CHART, "point"));
    assertEquals(FILES.size(), BenchReportTest.marks(page.dom(), Report.LATENCY_CHART, "point"));
  }
}
