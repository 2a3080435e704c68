package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.prune.Prunable;
import dev.whittle.io.CodebookCodec;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.SharedWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight sharing on the real MNIST (Han et al. 2016): LeNet-300-100 shared at 4 bits keeps its
 * accuracy; pruned and then shared at 5 bits it stays pruned, and its file, entropy-coded,
 * shrinks to a fraction of the pruned one.
 */
class ShareMnistTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), r.err());
    System.out.println(String.join(" ", args) + ":\n" + r.err().replaceAll("(?m)^WARNING.*\n", "")
        + r.out());
    return r;
  }

  @Test
  void lenet300SharedAt4BitsLosesAtMostTwoTenthsOfAPoint() throws IOException {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path out = dir.resolve("s4.wtl");
    run("share", base.toString(), "--bits", "4", "--finetune-epochs", "1", "--data", "mnist",
        "--out", out.toString(), "--json", dir.resolve("s4.json").toString());
    double before = TestModels.accuracy(base);
    double after = TestModels.accuracy(out);
    System.out.printf("4-bit sharing: %.4f before, %.4f after%n", before, after);
    assertTrue(after >= before - 0.002,
        "accuracy " + after + " after sharing, " + before + " before");
    Model m = ModelFile.load(out);
    for (Map.Entry<String, Parameter> e : Prunable.weights(m).entrySet()) {
      SharedWeights s = ModelFile.shared(e.getValue());
      assertTrue(s.centroids().length <= 16, e.getKey());
      assertEveryWeightIsACentroid(e.getKey(), e.getValue(), s);
    }
    Path again = dir.resolve("again.wtl");
    ModelFile.save(m, again);
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again),
        "read and written again, the same bytes");
  }

  private static void assertEveryWeightIsACentroid(String layer, Parameter p, SharedWeights s) {
    Set<Float> c = new HashSet<>();
    for (float v : s.centroids()) {
      c.add(v);
    }
    float[] w = p.value().data();
    int[] cl = s.clusters();
    for (int i = 0; i < w.length; i++) {
      assertTrue(cl[i] < 0 ? w[i] == 0f : w[i] == s.centroids()[cl[i]] && c.contains(w[i]),
          layer + "[" + i + "] = " + w[i]);
    }
  }

  @Test
  void prunedThenSharedAt5BitsStaysPrunedAndShrinks() throws IOException {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path pruned = dir.resolve("p90.wtl");
    run("prune", base.toString(), "--sparsity", "0.9", "--scope", "global", "--finetune-epochs",
        "1", "--data", "mnist", "--out", pruned.toString(), "--json",
        dir.resolve("p90.json").toString());
    Path shared = dir.resolve("p90s5.wtl");
    run("share", pruned.toString(), "--bits", "5", "--finetune-epochs", "1", "--data", "mnist",
        "--out", shared.toString(), "--json", dir.resolve("p90s5.json").toString());
    Model p = ModelFile.load(pruned);
    Model s = ModelFile.load(shared);
    long params = s.paramCount();
    long bytes = Files.size(shared);
    System.out.printf("pruned 90%%: %,d bytes (%.1fx); shared at 5 bits: %,d bytes, 4 x %,d"
        + " params / bytes = %.1fx; accuracy %.4f -> %.4f%n", Files.size(pruned),
        4.0 * params / Files.size(pruned), bytes, params, 4.0 * params / bytes,
        TestModels.accuracy(pruned), TestModels.accuracy(shared));
    Map<String, Parameter> before = Prunable.weights(p);
    for (Map.Entry<String, Parameter> e : Prunable.weights(s).entrySet()) {
      SharedWeights sw = ModelFile.shared(e.getValue());
      assertTrue(sw.centroids().length <= 32, e.getKey());
      float[] w0 = before.get(e.getKey()).value().data();
      float[] w1 = e.getValue().value().data();
      for (int i = 0; i < w0.length; i++) {
        assertEquals(w0[i] == 0f, w1[i] == 0f, e.getKey() + "[" + i + "] zero before and after");
      }
      assertEveryWeightIsACentroid(e.getKey(), e.getValue(), sw);
      System.out.printf("  %s: %,d bytes stored; %s%n", e.getKey(),
          ModelFile.storedBytes(e.getValue()), CodebookCodec.sizes(sw));
    }
    assertTrue(TestModels.accuracy(shared) >= TestModels.accuracy(pruned) - 0.002,
        "sharing after pruning keeps the accuracy");
    assertTrue(bytes * 3 < Files.size(pruned), "the shared file is a third of the pruned one or"
        + " less: " + bytes + " against " + Files.size(pruned));
    assertTrue(4.0 * params / bytes >= 28, "compression " + 4.0 * params / bytes);
  }
}
