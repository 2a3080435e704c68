package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.whittle.eval.StepHistory;
import dev.whittle.io.WtlModel;
import dev.whittle.io.WtlReader;
import dev.whittle.io.WtlWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Baseline models trained once per build with {@code whittle train}'s defaults and shared by
 * the test classes that start from them (under target/, so {@code mvn clean} retrains them).
 */
final class TestModels {
  private static final Path DIR = Path.of("target", "test-models");

  private TestModels() {}

  /** The trained model file; its metrics JSON sits beside it as NAME.json. */
  static synchronized Path baseline(String model, String data, int epochs) {
    try {
      Files.createDirectories(DIR);
      String name = model.replaceAll("[^a-z0-9]", "_") + "-" + data + "-" + epochs;
      Path out = DIR.resolve(name + ".wtl");
      Path json = DIR.resolve(name + ".json");
      if (!Files.exists(out) || !Files.exists(json)) {
        CliRun r = CliRun.of("train", "--model", model, "--data", data, "--epochs",
            Integer.toString(epochs), "--seed", "1", "--out", out.toString(), "--json",
            json.toString());
        assertEquals(0, r.code(), r.err());
        System.out.println(model + " on " + data + ", " + epochs + " epochs:\n" + r.out());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The file's bytes with the recorded training times (provenance {@code step_seconds}, wall
   * time, different on every run) replaced by a fixed value: everything else of two runs with
   * the same seed must be byte for byte the same.
   */
  static byte[] bytesWithoutTimes(Path wtl) {
    WtlModel m = WtlReader.read(wtl);
    try {
      assertArrayEquals(Files.readAllBytes(wtl), WtlWriter.toBytes(m), "read and written back");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> prov = new LinkedHashMap<>(m.provenance());
    assertTrue(prov.containsKey(StepHistory.SECONDS), "training times recorded in " + wtl);
    prov.put(StepHistory.SECONDS, "-");
    return WtlWriter.toBytes(new WtlModel(m.nodes(), m.tensors(), m.constraints(), m.state(),
        prov));
  }

  static double accuracy(Path modelFile) {
    Path json = modelFile.resolveSibling(modelFile.getFileName().toString().replace(".wtl", ".json"));
    try {
      Matcher m = Pattern.compile("\"accuracy\": ([0-9.eE-]+)").matcher(Files.readString(json));
      assertTrue(m.find(), "accuracy in " + json);
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
