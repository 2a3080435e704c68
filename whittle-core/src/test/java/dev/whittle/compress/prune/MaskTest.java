package dev.whittle.compress.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskTest {
  @TempDir Path dir;

  @Test
  void prunedWeightsStayExactlyZeroThroughTrainingAndSaving() {
    Split digits = DataSets.load("digits", null);
    Model m = Architectures.build("lenet300", new int[] {1, 8, 8}, 10, 1);
    // Momentum and weight decay would move zeros back without the mask's after-step hook.
    TrainConfig cfg = new TrainConfig(1, 32, "nesterov", 0.05, 0.9, 1e-3, 0, 0, "constant", 0, 0,
        0, 1, "cross-entropy");
    new Trainer(cfg, Progress.silent()).fit(m, digits.train());
    Map<String, Double> s = Pruner.prune(m, Importance.magnitude(),
        PruneSpec.parse("0.8,fc3=0.5", false), "magnitude");
    assertEquals(0.8, s.get("fc1"), 1e-3);
    assertEquals(0.5, s.get("fc3"), 1e-2);
    boolean[][] zeros = zeroPattern(m);
    new Trainer(cfg.withEpochs(2), Progress.silent()).fit(m, digits.train());
    assertEquals(0.8, Pruner.prune(m, Importance.magnitude(), PruneSpec.parse("0.1", false),
        "magnitude").get("fc1"), 1e-3, "a lower sparsity never revives pruned weights");
    boolean[][] after = zeroPattern(m);
    for (int l = 0; l < zeros.length; l++) {
      for (int i = 0; i < zeros[l].length; i++) {
        assertTrue(!zeros[l][i] || after[l][i], "weight " + i + " of layer " + l + " came back");
      }
    }
    Path f = dir.resolve("p.wtl");
    ModelFile.save(m, f);
    Model back = ModelFile.load(f);
    for (Map.Entry<String, Parameter> e : Prunable.weights(back).entrySet()) {
      Mask mask = Prunable.maskOf(e.getValue());
      assertTrue(mask != null, e.getKey() + " keeps its mask");
      float[] w = e.getValue().latent().data();
      for (int i = 0; i < w.length; i++) {
        assertEquals(w[i] != 0f, mask.kept(i));
      }
    }
    assertTrue(f.toFile().length() < 266_610 * 4 / 3, "sparse storage: " + f.toFile().length());
  }

  private static boolean[][] zeroPattern(Model m) {
    var ws = Prunable.weights(m).values().toArray(new Parameter[0]);
    boolean[][] z = new boolean[ws.length][];
    for (int l = 0; l < ws.length; l++) {
      float[] w = ws[l].latent().data();
      z[l] = new boolean[w.length];
      for (int i = 0; i < w.length; i++) {
        z[l][i] = w[i] == 0f;
      }
    }
    return z;
  }
}
