package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.Dataset;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What the trainer hands a {@link BatchLoss}: sample indices, augmented inputs, labels. */
class BatchLossTest {
  static final int N = 30;

  static Dataset data() {
    float[] x = new float[N * 4];
    int[] y = new int[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = i * 10 + j; // sample i is recognisable from its values
      }
      y[i] = i % 3;
    }
    return new Dataset("toy", x, y, N, new int[] {4}, 3);
  }

  @Test
  void samplesAreIndicesIntoTheDataGivenEvenWithAValidationSplit() {
    Dataset d = data();
    Model m = Architectures.build("mlp:4-5-3", new int[] {4}, 3, 1);
    TrainConfig cfg = new TrainConfig(2, 7, "sgd", 0.001, 0, 0, 0, 0, "constant", 0, 0.2, 0, 3,
        "cross-entropy");
    List<Integer> seen = new ArrayList<>();
    Loss ce = Loss.crossEntropy();
    new Trainer(cfg, Progress.silent()).augment((x, n, shape, seed) -> {
      for (int i = 0; i < n * 4; i++) {
        x[i] += 0.5f;
      }
    }).withLoss((b, out, g) -> {
      for (int i = 0; i < b.samples().length; i++) {
        int s = b.samples()[i];
        if (b.epoch() == 0) {
          seen.add(s);
        }
        assertEquals(d.y()[s], b.labels()[i], "label of sample " + s);
        assertEquals(s * 10 + 2 + 0.5f, b.inputs().data()[i * 4 + 2], "augmented input");
      }
      return ce.compute(out, b.labels(), g);
    }).fit(m, d);
    assertEquals(24, seen.size(), "30 samples less the 6 held out, each once");
    assertEquals(24, new TreeSet<>(seen).size());
  }

  @Test
  void aRegressionLossReportsNoAccuracy() {
    Model m = Architectures.build("mlp:4-5-3", new int[] {4}, 3, 1);
    Trainer.Result r = new Trainer(TrainConfig.defaults(1, 1), Progress.silent())
        .withLoss(BatchLoss.regression((b, out, g) -> 0.0)).fit(m, data());
    assertTrue(Double.isNaN(r.curve().get(0).trainAccuracy()));
  }
}
