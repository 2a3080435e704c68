package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantization on the real MNIST, against the bars: int8 post-training per channel loses
 * at most 0.1 points, 4-bit QAT lenet5 at most 0.3, ternary lenet300 at most 1.0, a binary-weight
 * MLP with BatchNorm reaches 98%, and files shrink with the bits.
 */
class QuantizeMnistTest {
  @TempDir Path dir;

  private Path quantize(Path base, String name, String... extra) {
    Path out = dir.resolve(name + ".wtl");
    List<String> args = new ArrayList<>(List.of("quantize", base.toString(), "--data", "mnist",
        "--out", out.toString(), "--json", out.toString().replace(".wtl", ".json")));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    System.out.println(name + " (" + String.join(" ", extra) + "):\n" + r.out());
    return out;
  }

  private static void assertLoss(Path base, Path q, double points) {
    double before = TestModels.accuracy(base);
    double after = TestModels.accuracy(q);
    assertTrue(after >= before - points / 100,
        q.getFileName() + ": " + after + " after, " + before + " before");
  }

  @Test
  void int8PerChannelLosesAtMostATenthWithEveryCalibrator() throws IOException {
    Path l300 = TestModels.baseline("lenet300", "mnist", 10);
    Path l5 = TestModels.baseline("lenet5", "mnist", MnistAccuracyTest.LENET5_EPOCHS);
    for (String cal : List.of("minmax", "percentile:99.99", "mse", "entropy")) {
      String tag = cal.replace(':', '-');
      assertLoss(l300, quantize(l300, "l300-" + tag, "--mode", "ptq", "--per-channel",
          "--calibration", cal), 0.1);
      assertLoss(l5, quantize(l5, "l5-" + tag, "--mode", "ptq", "--per-channel",
          "--calibration", cal), 0.1);
    }
    Path q = dir.resolve("l300-minmax.wtl");
    // int8 weights: a quarter of float32, plus a scale per channel and the float biases.
    long dense = Files.size(l300);
    assertTrue(Files.size(q) * 4 <= dense * 1.03 && Files.size(q) * 4 > dense * 0.97,
        Files.size(q) + " bytes, dense " + dense);
    Path d = quantize(l300, "l300-dynamic", "--mode", "dynamic", "--per-channel");
    assertLoss(l300, d, 0.1);
  }

  @Test
  void filesShrinkWithTheBits() throws IOException {
    Path l300 = TestModels.baseline("lenet300", "mnist", 10);
    long dense = Files.size(l300);
    Path q4 = quantize(l300, "l300-4", "--mode", "ptq", "--bits", "4", "--per-channel",
        "--quantize-edges");
    double r4 = (double) dense / Files.size(q4);
    assertTrue(r4 > 7.5 && r4 <= 8, "int4 ratio " + r4);
    Path b = quantize(l300, "l300-b", "--mode", "binary", "--quantize-edges", "--finetune-epochs",
        "0");
    double r1 = (double) dense / Files.size(b);
    // 1 bit per weight; biases, scales, the graph and provenance stay (about 7 KB).
    assertTrue(r1 > 25 && r1 <= 32, "binary ratio " + r1);
  }

  @Test
  void qat4BitLenet5LosesAtMostThreeTenths() {
    Path l5 = TestModels.baseline("lenet5", "mnist", MnistAccuracyTest.LENET5_EPOCHS);
    assertLoss(l5, quantize(l5, "l5-qat4", "--mode", "qat", "--bits", "4", "--per-channel",
        "--finetune-epochs", "2"), 0.3);
  }

  @Test
  void ternaryLenet300LosesAtMostOnePoint() {
    Path l300 = TestModels.baseline("lenet300", "mnist", 10);
    assertLoss(l300, quantize(l300, "l300-ternary", "--mode", "ternary", "--quantize-edges",
        "--finetune-epochs", "3"), 1.0);
  }

  @Test
  void binaryWeightMlpWithBatchNormReaches98Percent() {
    Path base = TestModels.baseline("mlp:784-1024-bn-1024-bn-10", "mnist", 3);
    // Every layer binary, the first and last too, as in BinaryConnect.
    Path b = quantize(base, "mlp-binary", "--mode", "binary", "--quantize-edges",
        "--finetune-epochs", "3");
    assertTrue(TestModels.accuracy(b) >= 0.98, "binary MLP: " + TestModels.accuracy(b));
  }

  /**
   * A model built with outlier activations: one hidden unit of lenet300 reads a single pixel lit
   * in about 0.5% of the images, with a weight of 100, so its activation is huge on those images
   * and zero elsewhere; its outgoing weights are zeroed, so the float model does not depend on
   * it. With 4-bit activations, the min-max range of fc2's input then spans the outlier and
   * leaves the other units a code or two; percentile, MSE and entropy clip the outlier away.
   * (With more levels the rounding noise of the wide range falls below the squared clipping
   * error of the handful of outliers, and MSE, which minimizes exactly that, rightly clips less.)
   * Measured: float 98.42%, min-max 82.32%, percentile 98.36%, MSE 98.43%, entropy 98.31%.
   */
  @Test
  void clippingCalibratorsBeatMinMaxOnOutlierActivations() {
    Path l300 = TestModels.baseline("lenet300", "mnist", 10);
    Split mnist = DataSets.load("mnist", null);
    Dataset train = mnist.train();
    int pixel = rarePixel(train);
    Map<String, Double> acc = new LinkedHashMap<>();
    for (String cal : List.of("minmax", "percentile:99.99", "mse", "entropy")) {
      Model m = ModelFile.load(l300);
      Dense fc1 = dense(m, "fc1");
      Dense fc2 = dense(m, "fc2");
      float[] w1 = fc1.weight().latent().data();
      java.util.Arrays.fill(w1, 0, 784, 0f);
      w1[pixel] = 100f;
      fc1.bias().latent().data()[0] = 0f;
      fc1.weight().refresh();
      fc1.bias().refresh();
      float[] w2 = fc2.weight().latent().data();
      for (int o = 0; o < 100; o++) {
        w2[o * 300] = 0f;
      }
      fc2.weight().refresh();
      if (cal.equals("minmax")) {
        acc.put("float", PlanAccuracy.of(Plan.compile(m), mnist.test()));
      }
      QuantSpec s = new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 4, true, Set.of(), true, cal,
          1000, false, false);
      Model q = Quantization.prepare(m, s).model();
      Quantization.calibrate(q, train, s, 64);
      Quantization.freeze(q);
      acc.put(cal, PlanAccuracy.of(Plan.compile(q), mnist.test()));
    }
    System.out.println("outlier model accuracy by calibrator: " + acc);
    double minmax = acc.get("minmax");
    assertTrue(minmax < acc.get("float") - 0.01, "the outlier hurts min-max: " + acc);
    for (String cal : List.of("percentile:99.99", "mse", "entropy")) {
      assertTrue(acc.get(cal) >= minmax, cal + " vs min-max: " + acc);
    }
  }

  /** The pixel lit (non-zero) in the share of training images closest to 0.5%. */
  private static int rarePixel(Dataset d) {
    int[] lit = new int[784];
    for (int s = 0; s < d.n(); s++) {
      for (int p = 0; p < 784; p++) {
        if (d.x()[s * 784 + p] != 0f) {
          lit[p]++;
        }
      }
    }
    int best = 0;
    double target = 0.005 * d.n();
    for (int p = 0; p < 784; p++) {
      if (Math.abs(lit[p] - target) < Math.abs(lit[best] - target)) {
        best = p;
      }
    }
    return best;
  }

  private static Dense dense(Model m, String name) {
    for (Graph.Node n : m.graph().nodes()) {
      if (n.name().equals(name)) {
        return (Dense) n.layer();
      }
    }
    throw new AssertionError(name);
  }
}
