package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.prune.Pruner;
import dev.whittle.eval.StorageTable;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deep Compression pipeline on the real MNIST with its defaults (Han, Mao and Dally 2016:
 * LeNet-300-100 40x and LeNet-5 39x with no loss of accuracy). Its first stage, which prunes
 * to 93%, is also the pruning issue's check: 92% of the weights pruned without loss, in a file
 * at most 1/8 of the dense one (Han et al. 2015).
 */
class DeepCompressionMnistTest {
  @TempDir Path dir;

  /**
   * @param minRatio the whole file's least compression ratio (4 x parameters / file bytes)
   * @param minWeightRatio the weights' alone (their float32 bytes over their stored bytes), as
   *     the paper's compression rates count
   */
  private void compress(String model, int epochs, double minRatio, double minWeightRatio)
      throws IOException {
    Path base = TestModels.baseline(model, "mnist", epochs);
    Path out = dir.resolve(model + "-dc.wtl");
    CliRun r = CliRun.of("pipeline", "deep-compression", base.toString(), "--data", "mnist",
        "--out", out.toString(), "--keep-stages", "--json",
        out.toString().replace(".wtl", ".json"));
    assertEquals(0, r.code(), r.err());
    System.out.println(model + ", whittle pipeline deep-compression:\n" + r.out());
    double before = TestModels.accuracy(base);

    // Stage 1, pruning (the recipe's 93%): at least 92% pruned, no loss, at most 1/8 of the
    // dense file.
    Path pruned = dir.resolve(model + "-dc.stages").resolve("1-prune.wtl");
    Model p = ModelFile.load(pruned);
    double sparsity = Pruner.sparsity(p);
    double prunedAcc = Double.parseDouble(p.provenance().get("accuracy"));
    assertTrue(sparsity >= 0.92, "sparsity " + sparsity);
    assertTrue(prunedAcc >= before - 0.001, "pruned " + prunedAcc + ", base " + before);
    assertTrue(Files.size(pruned) * 8 <= Files.size(base),
        "pruned file " + Files.size(pruned) + " bytes, dense " + Files.size(base));

    // The output: the compression ratio of the whole file, and no loss.
    Model dc = ModelFile.load(out);
    long params = dc.graph().parameters().values().stream().mapToLong(Parameter::size).sum();
    double ratio = 4.0 * params / Files.size(out);
    double acc = TestModels.accuracy(out);
    System.out.printf("%s: base %.2f%%, pruned %.2f%% (%.1f%%), compressed %.2f%%, %d bytes,"
        + " %.1fx%n", model, 100 * before, 100 * prunedAcc, 100 * sparsity, 100 * acc,
        Files.size(out), ratio);
    assertTrue(ratio >= minRatio, "compression ratio " + ratio);
    List<StorageTable.Row> storage = StorageTable.of(dc);
    StorageTable.Row total = storage.get(storage.size() - 1);
    System.out.printf("%s: weights %.2f%% of their float32 bytes (%.1fx)%n", model,
        100 * total.rate(), 1 / total.rate());
    assertTrue(1 / total.rate() >= minWeightRatio, "weights " + 1 / total.rate() + "x");
    assertTrue(acc >= before - 0.001, "compressed " + acc + ", base " + before);

    // Pruned zeros stay zero through sharing and its fine-tuning; each layer holds at most
    // 2^bits distinct non-zero values; writing and reading gives the same bits.
    Map<String, Parameter> pw = p.graph().parameters();
    for (Map.Entry<String, Parameter> e : dc.graph().parameters().entrySet()) {
      float[] a = pw.get(e.getKey()).value().data();
      float[] b = e.getValue().value().data();
      if (!e.getKey().endsWith(".weight")) {
        continue;
      }
      Set<Integer> distinct = new HashSet<>();
      for (int i = 0; i < a.length; i++) {
        if (a[i] == 0f) {
          assertEquals(0f, b[i], e.getKey() + "[" + i + "] was pruned");
        }
        if (b[i] != 0f) {
          distinct.add(Float.floatToRawIntBits(b[i]));
        }
      }
      int bits = e.getKey().startsWith("conv") ? 8 : 5;
      assertTrue(distinct.size() <= 1 << bits, e.getKey() + ": " + distinct.size() + " values");
    }
    Path again = dir.resolve(model + "-again.wtl");
    ModelFile.save(dc, again);
    Model back = ModelFile.load(again);
    for (Map.Entry<String, Parameter> e : dc.graph().parameters().entrySet()) {
      assertArrayEquals(e.getValue().value().data(),
          back.graph().parameters().get(e.getKey()).value().data(), e.getKey());
    }
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "same bytes");
  }

  /** The paper: 40x (its Table 2: the weights at 2.49% of their float32 bytes). */
  @Test
  void lenet300To40xWithoutLoss() throws IOException {
    compress("lenet300", 10, 40, 40);
  }

  /** The paper: 39x (its Table 3: the weights at 2.55%). */
  @Test
  void lenet5To39xWithoutLoss() throws IOException {
    compress("lenet5", MnistAccuracyTest.LENET5_EPOCHS, 39, 39);
  }
}
