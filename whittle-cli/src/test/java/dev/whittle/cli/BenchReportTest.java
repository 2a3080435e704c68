package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.eval.JsonReader;
import dev.whittle.eval.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code whittle bench} over a baseline, four variants and an ONNX file: its numbers are the ones
 * each command wrote, and its report opens in a real browser with every chart drawn. Trains on
 * the bundled digits (seconds), as it checks plumbing, not accuracy.
 */
class BenchReportTest {
  static final String EVIL = "<script>alert(1)</script>";
  @TempDir static Path dir;

  /** The models: file, the epochs of training and fine-tuning that made it, the JSON of its command. */
  record Made(String file, int epochs, String json) {}

  static final List<Made> MADE = List.of(
      new Made("base.wtl", 2, "base.json"),
      new Made("p.wtl", 3, "p.json"),
      new Made("q.wtl", 2, "q.json"),
      new Made("s.wtl", 4, "s.json"),
      new Made("p.onnx", 3, "p.json"));
  static CliRun bench;

  static Path at(String name) {
    return dir.resolve(name);
  }

  static void ok(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
  }

  @BeforeAll
  static void makeAndBench() {
    String d = "digits";
    ok("train", "--model", "lenet300", "--data", d, "--epochs", "2", "--out", at("base.wtl")
        .toString(), "--json", at("base.json").toString());
    ok("prune", at("base.wtl").toString(), "--sparsity", "0.8", "--finetune-epochs", "1",
        "--data", d, "--out", at("p.wtl").toString(), "--json", at("p.json").toString());
    ok("quantize", at("base.wtl").toString(), "--bits", "8", "--mode", "ptq", "--per-channel",
        "--data", d, "--out", at("q.wtl").toString(), "--json", at("q.json").toString());
    ok("share", at("p.wtl").toString(), "--bits", "4", "--finetune-epochs", "1", "--data", d,
        "--out", at("s.wtl").toString(), "--json", at("s.json").toString());
    ok("export", at("p.wtl").toString(), "--out", at("p.onnx").toString());
    List<String> args = new ArrayList<>(List.of("bench"));
    MADE.forEach(m -> args.add(at(m.file()).toString()));
    args.addAll(List.of("--data", d, "--calls", "200", "--seconds", "0.1", "--json",
        at("bench.json").toString(), "--report", at("report.html").toString(),
        "--name", "base", "--name", EVIL, "--name", "q", "--name", "s", "--name", "p.onnx"));
    bench = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, bench.code(), bench.err());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> benchJson() throws IOException {
    return (List<Map<String, Object>>) JsonReader.parse(Files.readString(at("bench.json")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String file) throws IOException {
    return (Map<String, Object>) JsonReader.parse(Files.readString(at(file)));
  }

  @Test
  void theComparisonHasTheNumbersEachCommandWrote() throws IOException {
    List<Map<String, Object>> rows = benchJson();
    assertEquals(MADE.size(), rows.size());
    double[] trainSeconds = new double[4];
    for (int i = 0; i < 4; i++) {
      Map<String, Object> own = json(MADE.get(i).json());
      Map<String, Object> b = rows.get(i);
      for (String f : List.of("accuracy", "test_samples", "params", "nonzero_params", "bytes",
          "dense_fp32_bytes", "compression_ratio", "dense_macs", "layers")) {
        assertEquals(own.get(f), b.get(f), MADE.get(i).file() + " " + f);
      }
      // Executed multiply-adds are those of the plan each compiled, whose sparse or dense kernel
      // per layer is chosen by timing: two compilations may choose differently, so each lies
      // between the non-zero weights and the dense count.
      for (Map<String, Object> m : List.of(own, b)) {
        double macs = (Double) m.get("macs");
        assertTrue(macs <= (Double) m.get("dense_macs"), MADE.get(i).file() + " macs " + macs);
        assertTrue(macs >= (Double) m.get("nonzero_params") - (Double) m.get("params")
            + (Double) m.get("dense_macs"), MADE.get(i).file() + " macs " + macs);
      }
      assertEquals(Files.size(at(MADE.get(i).file())), ((Double) b.get("bytes")).longValue());
      trainSeconds[i] = (Double) own.get("train_seconds");
    }
    // Training time from provenance: each model's steps, summed (each step kept to 1 ms).
    double[] expected = {trainSeconds[0], trainSeconds[0] + trainSeconds[1],
        trainSeconds[0] + trainSeconds[2], trainSeconds[0] + trainSeconds[1] + trainSeconds[3],
        trainSeconds[0] + trainSeconds[1]};
    for (int i = 0; i < MADE.size(); i++) {
      assertEquals(expected[i], (Double) rows.get(i).get("train_seconds"), 0.002,
          MADE.get(i).file() + " train_seconds");
      assertTrue((Double) rows.get(i).get("latency_us_b1_p50") > 0);
      assertTrue((Double) rows.get(i).get("latency_us_b1_p99")
          >= (Double) rows.get(i).get("latency_us_b1_p50"));
      assertTrue((Double) rows.get(i).get("throughput_b256_sps") > 0);
    }
    // A pruned layer runs sparse only where that measured faster when the plan was compiled, so
    // its executed multiply-adds are at most the dense count (fewer when a sparse kernel won:
    // a timing, which the shared CI machine may decide either way on these small layers).
    assertTrue((Double) rows.get(1).get("macs") <= (Double) rows.get(1).get("dense_macs"));
    assertTrue((Double) rows.get(1).get("nonzero_params") < (Double) rows.get(1).get("params"));
    // The ONNX file: its own size; the pruned model's weights, so its non-zeros and accuracy.
    Map<String, Object> onnx = rows.get(4);
    assertEquals((double) Files.size(at("p.onnx")), onnx.get("bytes"));
    assertEquals(rows.get(1).get("nonzero_params"), onnx.get("nonzero_params"));
    assertEquals((Double) rows.get(1).get("accuracy"), (Double) onnx.get("accuracy"), 1.0 / 360);
    assertEquals(EVIL, rows.get(1).get("model"), "--name is the model's name");
    // The table on stdout: one row per model, with the dense and executed MACs.
    String[] lines = bench.out().split("\n");
    assertTrue(lines[0].matches("model\\s+accuracy\\s+delta.*dense MACs\\s+MACs\\s+train s.*"),
        lines[0]);
    assertTrue(lines[3].startsWith(EVIL), lines[3]);
  }

  @Test
  void theReportOpensInABrowserWithEveryChartDrawn() throws IOException {
    List<Map<String, Object>> rows = benchJson();
    int models = rows.size();
    int layerCells = 0;
    for (Map<String, Object> r : rows) {
      for (Object l : (List<?>) r.get("layers")) {
        layerCells += ((Double) ((Map<?, ?>) l).get("params")) > 0 ? 1 : 0;
      }
    }
    int epochs = MADE.stream().mapToInt(Made::epochs).sum();
    HeadlessChromium chromium = HeadlessChromium.find();
    HeadlessChromium.Page page = chromium.open(at("report.html"));
    assertEquals(List.of(), page.console(), "console messages");
    String dom = page.dom();
    assertEquals(models, marks(dom, Report.SIZE_CHART, "point"));
    assertEquals(models, marks(dom, Report.LATENCY_CHART, "point"));
    assertTrue(marks(dom, Report.SIZE_CHART, "point front") >= 1, "a Pareto front");
    assertEquals(3 * models, layerCells, "lenet300: fc1, fc2, fc3");
    assertEquals(layerCells, marks(dom, Report.LAYER_CHART, "cell"));
    for (int i = 0; i < models; i++) {
      assertEquals(Report.BINS, marks(dom, Report.HISTOGRAM_PREFIX + i, "bin"), "histogram " + i);
    }
    assertEquals(epochs, marks(dom, Report.LOSS_CHART, "point"), "an epoch, a point");
    assertEquals(epochs, marks(dom, Report.ACCURACY_CHART, "point"));
    // The hostile name is text: escaped in the page, and no script element anywhere.
    assertFalse(dom.contains("<script"), "a script element in the DOM");
    assertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    Path shots = Files.createDirectories(Path.of("target", "report-screenshots"));
    Path png = shots.resolve("bench-report.png");
    Files.deleteIfExists(png);
    chromium.screenshot(at("report.html"), png, 2400);
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    assertTrue(Files.size(png) > 20_000, "a screenshot with something drawn: " + Files.size(png));
    Files.copy(at("report.html"), shots.resolve("bench-report.html"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void badReportTargetsFailBeforeAnyWork() throws IOException {
    Path missing = at("no-such-folder").resolve("r.html");
    CliRun r = CliRun.of("bench", at("base.wtl").toString(), "--data", "digits", "--report",
        missing.toString());
    assertEquals(2, r.code());
    assertEquals("whittle bench: --report " + missing + ": folder '" + missing.getParent()
        + "' does not exist", r.errorLine());
    assertEquals("", r.out(), "nothing measured");
    assertFalse(Files.exists(missing.getParent()));

    r = CliRun.of("bench", at("base.wtl").toString(), "--data", "digits", "--report",
        dir.toString());
    assertEquals(2, r.code());
    assertEquals("whittle bench: --report " + dir + ": is a folder, expected a file name such"
        + " as report.html", r.errorLine());

    r = CliRun.of("bench", at("base.wtl").toString(), at("q.wtl").toString(), "--name", "a",
        "--data", "digits");
    assertEquals(2, r.code());
    assertEquals("whittle bench: --name given 1 times for 2 models; give it once per model, in"
        + " order", r.errorLine());

    Path bad = at("garbage.wtl");
    Files.write(bad, "not a model at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path report = at("bad-report.html");
    r = CliRun.of("bench", at("base.wtl").toString(), bad.toString(), "--data", "digits",
        "--report", report.toString());
    assertEquals(2, r.code());
    assertTrue(r.errorLine().startsWith("whittle bench: ") && r.errorLine().contains(
        "garbage.wtl"), r.errorLine());
    assertFalse(r.err().contains("\tat "), "no stack trace");
    assertFalse(Files.exists(report));
    // A model whose recorded curve is not JSON: named before anything is measured.
    dev.whittle.io.WtlModel w = dev.whittle.io.WtlReader.read(at("base.wtl"));
    Map<String, String> prov = new java.util.LinkedHashMap<>(w.provenance());
    prov.put("step_curves", "[{\"epoch\":0,");
    Path broken = at("broken-curve.wtl");
    dev.whittle.io.WtlWriter.write(new dev.whittle.io.WtlModel(w.nodes(), w.tensors(),
        w.constraints(), w.state(), prov), broken);
    r = CliRun.of("bench", broken.toString(), "--data", "digits", "--report", report.toString());
    assertEquals(2, r.code());
    assertEquals("whittle bench: " + broken + ": provenance step_curves line 1: JSON at offset 12:"
        + " expected a key",
        r.errorLine());
    assertEquals("", r.out());
    assertFalse(Files.exists(report));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".tmp"))
          .toList(), "no temporary files left");
    }
  }

  /** Marks with class {@code cls} (and maybe more classes) inside the svg with {@code id}. */
  static long marks(String dom, String id, String cls) {
    Matcher m = Pattern.compile("<svg id=\"" + id + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
    assertTrue(m.find(), "chart " + id + " in the page");
    return Pattern.compile("class=\"" + cls + "( [^\"]*)?\"").matcher(m.group()).results()
        .count();
  }
}
