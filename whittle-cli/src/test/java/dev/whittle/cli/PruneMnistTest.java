package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pruning on the real MNIST: structured pruning, and random against magnitude pruning. The 92%
 * check (Han et al. 2015: LeNet-300-100 and LeNet-5 at 8% of their weights without loss, here
 * with a file at most 1/8 of the dense one) is the first stage of {@link
 * DeepCompressionMnistTest}, which prunes to 93%.
 */
class PruneMnistTest {
  @TempDir Path dir;

  private CliRun prune(Path base, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("prune", base.toString(), "--data", "mnist",
        "--out", out.toString(), "--json", out.toString().replace(".wtl", ".json")));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    System.out.println(String.join(" ", extra) + ":\n" + r.out());
    return r;
  }

  @Test
  void halfTheHiddenNeuronsRemovedLosesAtMostHalfAPoint() throws IOException {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path out = dir.resolve("lenet300-neurons50.wtl");
    prune(base, out, "--structured", "l1", "--sparsity", "0.5", "--finetune-epochs", "4",
        "--lr", "0.05");
    double before = TestModels.accuracy(base);
    double after = TestModels.accuracy(out);
    assertTrue(after >= before - 0.005, "accuracy " + after + " after, " + before + " before");
    var slim = ModelFile.load(out);
    var dense = ModelFile.load(base);
    // fc1 300 -> 150, fc2 100 -> 50: 784*150 + 150*50 + 50*10 multiply-adds.
    assertEquals(784 * 150 + 150 * 50 + 50 * 10, slim.graph().macs());
    double shrink = (double) slim.paramCount() / dense.paramCount();
    assertEquals(shrink, (double) Files.size(out) / Files.size(base), 0.01,
        "the file shrinks with the parameters");
  }

  @Test
  void randomPruningEndsMeasurablyBelowMagnitudePruning() {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path mag = dir.resolve("magnitude.wtl");
    Path rnd = dir.resolve("random.wtl");
    String[] budget = {"--sparsity", "0.95", "--finetune-epochs", "1"};
    prune(base, mag, concat(budget, "--method", "magnitude"));
    prune(base, rnd, concat(budget, "--method", "random"));
    double m = TestModels.accuracy(mag);
    double r = TestModels.accuracy(rnd);
    System.out.printf("95%% sparsity, 1 epoch of fine-tuning: magnitude %.4f, random %.4f%n", m, r);
    assertTrue(r < m - 0.01, "random " + r + " should end measurably below magnitude " + m);
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }
}
