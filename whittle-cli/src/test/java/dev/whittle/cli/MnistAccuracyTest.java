package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Context;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Evaluation;
import java.io.IOException;
import java.util.Arrays;
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
  void lenet5OnMnistReaches99AndItsPlanAgreesOnEveryTestImage() throws IOException {
    double acc = train("lenet5", "mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.990, "lenet5 accuracy " + acc);
    Model model = ModelFile.load(dir.resolve("lenet5-mnist.wtl"));
    Plan plan = Plan.compile(model);
    Dataset test = DataSets.load("mnist", null).test();
    int batch = 500;
    int f = test.features();
    double worst = 0;
    for (int from = 0; from < test.n(); from += batch) {
      float[] x = Arrays.copyOfRange(test.x(), from * f, (from + batch) * f);
      float[] expected = model.forward(new Tensor(new int[] {batch, 1, 28, 28}, x), Context.EVAL)
          .data().clone();
      float[] got = plan.predict(x, batch);
      for (int i = 0; i < batch; i++) {
        assertEquals(Evaluation.argmax(expected, i * 10, 10), Evaluation.argmax(got, i * 10, 10),
            "label of test image " + (from + i));
      }
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      }
    }
    assertTrue(worst <= 1e-4, "largest logit difference " + worst);
  }

  @Test
  void lenet5OnFashionMnistReaches90() throws IOException {
    double acc = train("lenet5", "fashion-mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.900, "lenet5 fashion accuracy " + acc);
  }

  /** Fewer than the 10 the target allows, to keep the suite short; the targets still hold. */
  static final int LENET5_EPOCHS = 4;
}
