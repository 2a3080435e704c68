package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.Dataset;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Model;
import dev.whittle.nn.SequentialBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A seeded run trains the same weights, bit for bit, on one thread and on two. */
class TrainThreadsTest {

  @Test
  void oneAndTwoThreadsTrainTheSameWeights() {
    // 100 -> 600 -> 10 at batch 64: the GEMMs, fc1's optimizer update (60,000 weights) and the
    // ReLU passes (38,400 values) are all large enough to be split over two threads.
    assertTrue(100 * 600 >= 2 * Sgd.PARALLEL_ELEMENTS);
    for (String optimizer : List.of("nesterov", "adam")) {
      Map<String, float[]> one = train(optimizer, 1);
      Map<String, float[]> two = train(optimizer, 2);
      for (String k : one.keySet()) {
        assertArrayEquals(one.get(k), two.get(k), optimizer + " " + k);
      }
    }
  }

  /** Every parameter's latent value after two epochs of 300 samples (the last batch 44). */
  private static Map<String, float[]> train(String optimizer, int threads) {
    int before = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      int n = 300;
      SplittableRandom r = new SplittableRandom(11);
      float[] x = new float[n * 100];
      int[] y = new int[n];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble();
      }
      for (int i = 0; i < n; i++) {
        y[i] = r.nextInt(10);
      }
      Dataset data = new Dataset("synthetic", x, y, n, new int[] {1, 10, 10}, 10);
      Model model = new SequentialBuilder(new int[] {1, 10, 10}, 3)
          .dense(600, true).relu().dense(10, false).build();
      TrainConfig config = new TrainConfig(2, 64, optimizer, 0.05, 0.9, 1e-4, 0, 0, "cosine", 0.3,
          0, 0, 7, "cross-entropy");
      new Trainer(config, Progress.silent()).fit(model, data);
      Map<String, float[]> w = new LinkedHashMap<>();
      model.graph().parameters().forEach((k, p) -> w.put(k, p.latent().data().clone()));
      return w;
    } finally {
      Parallel.setThreads(before);
    }
  }
}
