package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path dir;

  private CliRun train(Path out, String model, int epochs, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--model", model, "--data", "digits",
        "--epochs", Integer.toString(epochs), "--seed", "7", "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void sameSeedWritesIdenticalBytes() throws IOException {
    for (String model : List.of("lenet300", "cnn:c8-bn-mp2-c8-16-drop0.2-10")) {
      String tag = model.substring(0, 3);
      Path a = Files.createDirectories(dir.resolve(tag + "a")).resolve("m.wtl");
      Path b = Files.createDirectories(dir.resolve(tag + "b")).resolve("m.wtl");
      Path c = Files.createDirectories(dir.resolve(tag + "c")).resolve("m.wtl");
      assertEquals(0, train(a, model, 3).code());
      assertEquals(0, train(b, model, 3).code());
      assertArrayEquals(TestModels.bytesWithoutTimes(a), TestModels.bytesWithoutTimes(b), model);
      assertFalse(Files.exists(TrainingSession.checkpointFor(a)), "checkpoint removed at the end");
      // The kernels split work, never sums, across threads: one thread gives the same weights.
      assertEquals(0, train(c, model, 3, "--threads", "1").code());
      Map<String, Parameter> pa = ModelFile.load(a).graph().parameters();
      Map<String, Parameter> pc = ModelFile.load(c).graph().parameters();
      for (String k : pa.keySet()) {
        assertArrayEquals(pa.get(k).latent().data(), pc.get(k).latent().data(), model + " " + k);
      }
    }
  }

  @Test
  void jsonCarriesTheMetricsObject() throws IOException {
    Path out = dir.resolve("m.wtl");
    Path json = dir.resolve("m.json");
    CliRun r = train(out, "lenet300", 2, "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    String j = Files.readString(json);
    for (String field : List.of("\"model\"", "\"dataset\"", "\"accuracy\"", "\"test_samples\"",
        "\"params\"", "\"nonzero_params\"", "\"bytes\"", "\"dense_fp32_bytes\"",
        "\"compression_ratio\"", "\"macs\"", "\"dense_macs\"", "\"train_seconds\"", "\"layers\"")) {
      assertTrue(j.contains(field), field + " in " + j);
    }
    // 64-300-100-10 on the 8x8 digits: 64*300+300 + 300*100+100 + 100*10+10 parameters.
    assertTrue(j.contains("\"params\": " + (64 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10)), j);
    assertTrue(j.contains("\"bytes\": " + Files.size(out)), j);
    assertEquals(0, CliRun.of("info", out.toString()).code());
    CliRun eval = CliRun.of("eval", out.toString(), "--data", "digits");
    assertEquals(0, eval.code(), eval.err());
  }

  @Test
  void divergingLossStopsWithEpochAndBatch() {
    Path out = dir.resolve("nan.wtl");
    CliRun r = train(out, "lenet300", 3, "--lr", "1e30", "--momentum", "0");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errorLine().matches(".*epoch \\d+, batch \\d+.*"), r.errorLine());
    assertFalse(Files.exists(out));
  }

  @Test
  void killedRunResumesToTheSameWeights() throws Exception {
    Path full = Files.createDirectories(dir.resolve("full")).resolve("m.wtl");
    assertEquals(0, train(full, "lenet300", 40).code());

    Path out = Files.createDirectories(dir.resolve("killed")).resolve("m.wtl");
    Path ckpt = TrainingSession.checkpointFor(out);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), "dev.whittle.cli.Main", "train", "--model",
        "lenet300", "--data", "digits", "--epochs", "40", "--seed", "7", "--out", out.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(150);
    assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(dir.resolve("child.log")));
    p.destroyForcibly(); // SIGKILL
    p.waitFor();
    assertFalse(Files.exists(out), "no final file from a killed run");
    assertTrue(Files.exists(ckpt));
    CliRun r = train(out, "lenet300", 40, "--resume");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("resuming"), r.err());
    Map<String, Parameter> a = ModelFile.load(full).graph().parameters();
    Model resumed = ModelFile.load(out);
    Map<String, Parameter> b = resumed.graph().parameters();
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).latent().data(), b.get(k).latent().data(), k);
    }
    assertEquals(ModelFile.load(full).provenance().get("curve"), resumed.provenance().get("curve"));
  }
}
