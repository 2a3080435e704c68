package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code whittle lowrank} on bad settings: exit 2, one line naming the flag or layer, nothing
 * written. On the bundled digits (8x8 inputs, so lenet300's fc1 is 300 x 64, of rank 64).
 */
class LowRankBadInputTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void trainOne() {
    model = dir.resolve("m.wtl");
    CliRun r = CliRun.of("train", "--model", "lenet300", "--data", "digits", "--epochs", "1",
        "--out", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  private static void assertBad(String message, Path in, String... extra) {
    Path out = dir.resolve("lr.wtl");
    List<String> args = new ArrayList<>(List.of("lowrank", in.toString(), "--data", "digits",
        "--out", out.toString()));
    args.addAll(List.of(extra));
    if (!args.contains("--finetune-epochs")) {
      args.addAll(List.of("--finetune-epochs", "0"));
    }
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    String line = r.errorLine();
    assertTrue(line.contains(message), "message '" + line + "' should contain '" + message + "'");
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("whittle ")).count(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
  }

  private static void assertBad(String message, String... extra) {
    assertBad(message, model, extra);
  }

  @Test
  void aRankAboveTheFullRank() {
    assertBad("whittle lowrank: --rank fc1=65 is above the full rank of layer fc1: its weight is"
        + " 300 x 64, so its rank is at most 64", "--rank", "fc1=65");
    assertBad("--rank fc3=11 is above the full rank of layer fc3: its weight is 10 x 100",
        "--rank", "fc3=11");
    assertBad("--rank 80 is above the full rank of layer fc1: its weight is 300 x 64, so its rank"
        + " is at most 64; give ranks per layer", "--rank", "80");
  }

  @Test
  void anEnergyOutsideZeroToOne() {
    assertBad("--energy must be in (0, 1], got 0.0", "--energy", "0");
    assertBad("--energy must be in (0, 1], got 1.5", "--energy", "1.5");
    assertBad("--energy must be in (0, 1], got -0.1", "--energy", "-0.1");
    assertBad("--energy must be in (0, 1], got NaN", "--energy", "NaN");
    assertBad("--energy", "--energy", "most");
  }

  @Test
  void aLayerTheModelLacks() {
    assertBad("--rank names layer 'fc9', which is not a dense or convolution layer of the model"
        + " (it has fc1, fc2, fc3)", "--rank", "fc9=4");
    assertBad("--rank names layer 'relu1'", "--rank", "fc1=8,relu1=4");
  }

  @Test
  void ranksThatAreNotRanks() {
    assertBad("give --rank R (or per layer, fc1=64,fc2=32) or --energy E");
    assertBad("--rank must be at least 1, got 0", "--rank", "0");
    assertBad("--rank fc2 must be at least 1, got -1", "--rank", "fc2=-1");
    assertBad("--rank: expected a whole number or LAYER=NUMBER, got 'fc1=half'", "--rank",
        "fc1=half");
    assertBad("--rank 8 and --energy 0.9 both set the rank of every layer", "--rank", "8",
        "--energy", "0.9");
    assertBad("--finetune-epochs must be at least 0, got -1", "--energy", "0.9",
        "--finetune-epochs", "-1");
  }

  @Test
  void aPrunedLayerCannotKeepItsMask() {
    Path pruned = dir.resolve("p.wtl");
    CliRun p = CliRun.of("prune", model.toString(), "--sparsity", "0.5", "--finetune-epochs", "1",
        "--data", "digits", "--out", pruned.toString());
    assertEquals(0, p.code(), p.err());
    assertBad("layer fc1: low-rank factorization replaces its weight and cannot keep its 'mask'"
        + " constraint; factorize the float model first, then prune, share or quantize", pruned,
        "--rank", "fc1=8");
  }
}
