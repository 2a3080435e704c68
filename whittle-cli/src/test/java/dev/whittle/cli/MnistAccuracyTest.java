package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's accuracy targets on the real data sets, with {@code whittle train}'s default
 * settings: only --model, --data, --epochs and --seed given.
 */
class MnistAccuracyTest {
  @TempDir Path dir;

  static double accuracy(Path json) throws IOException {
    Matcher m = Pattern.compile("\"accuracy\": ([0-9.eE-]+)").matcher(Files.readString(json));
    assertTrue(m.find());
    return Double.parseDouble(m.group(1));
  }

  private double train(String model, String data, int epochs) throws IOException {
    Path out = dir.resolve(model + "-" + data + ".wtl");
    Path json = dir.resolve(model + "-" + data + ".json");
    CliRun r = CliRun.of("train", "--model", model, "--data", data, "--epochs",
        Integer.toString(epochs), "--seed", "1", "--out", out.toString(), "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    System.out.println(model + " on " + data + ", " + epochs + " epochs: " + r.out());
    return accuracy(json);
  }

  @Test
  void lenet300OnMnistReaches98() throws IOException {
    double acc = train("lenet300", "mnist", 10);
    assertTrue(acc >= 0.980, "lenet300 accuracy " + acc);
  }

  @Test
  void lenet5OnMnistReaches99() throws IOException {
    double acc = train("lenet5", "mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.990, "lenet5 accuracy " + acc);
  }

  @Test
  void lenet5OnFashionMnistReaches90() throws IOException {
    double acc = train("lenet5", "fashion-mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.900, "lenet5 fashion accuracy " + acc);
  }

  /** Fewer than the 10 the target allows, to keep the suite short; the targets still hold. */
  static final int LENET5_EPOCHS = 4;
}
