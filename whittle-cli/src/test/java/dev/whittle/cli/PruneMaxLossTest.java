package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.prune.Pruner;
import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.eval.JsonReader;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.train.Evaluation;
import dev.whittle.train.Loss;
import dev.whittle.train.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prune --max-loss}: pruning past {@code --sparsity} while the accuracy on the validation
 * split the model was trained without holds, on the bundled digits.
 */
class PruneMaxLossTest {
  @TempDir static Path dir;
  static Path held; // trained with a validation split
  static Path whole; // trained on every training sample

  @BeforeAll
  static void train() {
    held = dir.resolve("held.wtl");
    whole = dir.resolve("whole.wtl");
    for (Path out : List.of(held, whole)) {
      CliRun r = CliRun.of("train", "--model", "mlp:64-128-128-10", "--data", "digits",
          "--epochs", "5", "--seed", "2", "--out", out.toString(),
          out == held ? "--validation" : "--lr", out == held ? "0.2" : "0.05");
      assertEquals(0, r.code(), r.err());
    }
  }

  static double heldOutAccuracy(Model m, Split split) {
    PruneCommand.HeldOut h = PruneCommand.HeldOut.of(m, Path.of("m.wtl"), split, Progress.silent());
    assertNotNull(h);
    return Evaluation.run(m, h.validation(), Loss.crossEntropy(), 256).accuracy();
  }

  @Test
  void theHeldOutSplitIsTheOneTrainingLeftOut() {
    // The training run measured its last epoch on its validation split with the final weights;
    // the split found again from the provenance gives the same accuracy.
    Model m = ModelFile.load(held);
    Split split = DataSets.load("digits", null);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> curve =
        (List<Map<String, Object>>) JsonReader.parse(m.provenance().get("curve"));
    double recorded = ((Number) curve.get(curve.size() - 1).get("val_accuracy")).doubleValue();
    assertEquals(recorded, heldOutAccuracy(m, split), 1e-5); // six significant digits
    assertEquals(Math.round(0.2 * split.train().n()),
        PruneCommand.HeldOut.of(m, held, split, Progress.silent()).validation().n());
  }

  @Test
  void prunesPastTheTargetWhileHeldOutAccuracyHolds() throws Exception {
    Path out = dir.resolve("beyond.wtl");
    CliRun r = CliRun.of("prune", held.toString(), "--sparsity", "0.5", "--schedule",
        "iterative:2", "--finetune-epochs", "4", "--max-loss", "1", "--data", "digits", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    Split split = DataSets.load("digits", null);
    Model base = ModelFile.load(held);
    Model pruned = ModelFile.load(out);
    double floor = heldOutAccuracy(base, split) - 0.01;
    assertTrue(Pruner.sparsity(pruned) > 0.5 + 1e-9, r.err());
    assertTrue(heldOutAccuracy(pruned, split) >= floor, r.err());
    // Every further round removed a quarter of what remained; the kept ones held the floor and
    // the first that did not was undone.
    Matcher kept = Pattern.compile("held-out accuracy ([0-9.]+)% at ([0-9.]+)%: kept")
        .matcher(r.err());
    double last = 50;
    while (kept.find()) {
      assertTrue(Double.parseDouble(kept.group(1)) >= 100 * floor - 0.005, r.err());
      last = Double.parseDouble(kept.group(2));
    }
    assertEquals(100 * Pruner.sparsity(pruned), last, 0.05, r.err());
    Matcher undone = Pattern.compile("held-out accuracy ([0-9.]+)% at [0-9.]+%, below the floor")
        .matcher(r.err());
    if (undone.find()) {
      assertTrue(Double.parseDouble(undone.group(1)) < 100 * floor + 0.005, r.err());
    }
    assertTrue(pruned.provenance().get("pruning").contains("\"max_loss\":1"),
        pruned.provenance().get("pruning"));
  }

  @Test
  void aModelTrainedOnEverySampleStopsAtTheTarget() {
    Path out = dir.resolve("target.wtl");
    CliRun r = CliRun.of("prune", whole.toString(), "--sparsity", "0.5", "--finetune-epochs", "1",
        "--max-loss", "0", "--data", "digits", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("was trained without a validation split"), r.err());
    assertEquals(0.5, Pruner.sparsity(ModelFile.load(out)), 0.01);
    assertNull(PruneCommand.HeldOut.of(ModelFile.load(whole), whole,
        DataSets.load("digits", null), Progress.silent()));
  }

  @Test
  void badValuesExitTwoAndWriteNothing() {
    Path out = dir.resolve("bad.wtl");
    for (List<String> extra : List.of(List.of("--max-loss", "-1"), List.of("--max-loss", "100"),
        List.of("--max-loss", "1", "--structured", "l1"))) {
      List<String> args = new java.util.ArrayList<>(List.of("prune", held.toString(),
          "--sparsity", "0.5", "--data", "digits", "--out", out.toString()));
      args.addAll(extra);
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("--max-loss"), r.err());
      assertTrue(r.err().strip().lines().count() == 1, r.err());
      assertTrue(!Files.exists(out));
    }
  }
}
