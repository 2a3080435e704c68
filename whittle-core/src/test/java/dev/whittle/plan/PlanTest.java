package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.nn.Activation;
import dev.whittle.nn.Add;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Context;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PlanTest {
  static float[] random(long seed, int n) {
    Rng r = new Rng(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.uniform();
    }
    return x;
  }

  /** Gives BatchNorm layers non-trivial running statistics, as after training. */
  static void perturbBatchNorms(Model m, long seed) {
    Rng r = new Rng(seed);
    for (Graph.Node n : m.graph().nodes()) {
      if (n.layer() instanceof BatchNorm bn) {
        for (int c = 0; c < bn.features(); c++) {
          bn.runningMean().data()[c] = (float) r.normal() * 0.2f;
          bn.runningVar().data()[c] = 0.5f + (float) r.uniform();
          bn.gamma().latent().data()[c] = 0.5f + (float) r.uniform();
          bn.beta().latent().data()[c] = (float) r.normal() * 0.1f;
        }
        bn.gamma().refresh();
        bn.beta().refresh();
      }
    }
  }

  static void assertMatchesModel(Model m, int n) {
    Plan p = Plan.compile(m);
    int in = (int) Shapes.size(m.inputShape());
    float[] x = random(5, n * in);
    float[] expected = m.forward(new Tensor(Shapes.batched(n, m.inputShape()), x), Context.EVAL)
        .data().clone();
    float[] got = p.predict(x, n);
    assertEquals(expected.length, got.length);
    for (int i = 0; i < got.length; i++) {
      double err = Math.abs(got[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
      assertTrue(err <= 1e-5, "logit " + i + ": plan " + got[i] + ", model " + expected[i]);
    }
  }

  @Test
  void lenet300AndLenet5MatchTheModelAtBatch1And7() {
    for (String spec : List.of("lenet300", "lenet5")) {
      Model m = Architectures.build(spec, new int[] {1, 28, 28}, 10, 3);
      assertMatchesModel(m, 1);
      assertMatchesModel(m, 7);
    }
  }

  @Test
  void batchNormIsFoldedAndStillMatches() {
    Model m = Architectures.build("cnn:c8-bn-mp2-c6k5-bn-32-bn-drop0.3-10",
        new int[] {1, 12, 12}, 10, 4);
    perturbBatchNorms(m, 9);
    assertMatchesModel(m, 5);
    Plan p = Plan.compile(m);
    String all = String.join("\n", p.describe());
    assertTrue(!all.contains("batchnorm"), "every BatchNorm folded:\n" + all);
    assertTrue(all.contains("conv 3x3 1->8 f32 + relu"), all);
  }

  @Test
  void residualAddWithStandaloneBatchNorm() {
    Dense fc1 = new Dense(6, 6, true);
    Dense fc2 = new Dense(6, 6, true);
    Dense head = new Dense(6, 3, true);
    Rng r = new Rng(1);
    for (Dense d : List.of(fc1, fc2, head)) {
      for (int i = 0; i < d.weight().size(); i++) {
        d.weight().latent().data()[i] = (float) r.normal() * 0.5f;
      }
      d.weight().refresh();
    }
    Model m = new Model(new Graph(new int[] {6}, List.of(
        new Graph.Node("fc1", fc1, List.of(Graph.INPUT)),
        new Graph.Node("relu1", Activation.relu(), List.of("fc1")),
        new Graph.Node("fc2", fc2, List.of("relu1")),
        new Graph.Node("add", new Add(), List.of("fc1", "fc2")),
        new Graph.Node("bn", new BatchNorm(6, 1e-5f, 0.1f), List.of("add")),
        new Graph.Node("head", head, List.of("bn")))));
    perturbBatchNorms(m, 2);
    assertMatchesModel(m, 4);
  }

  @Test
  void manyThreadsGetTheSingleThreadedOutputs() throws Exception {
    Model m = Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 3);
    Plan p = Plan.compile(m);
    int samples = 16;
    float[][] inputs = new float[samples][];
    float[][] expected = new float[samples][];
    for (int s = 0; s < samples; s++) {
      inputs[s] = random(100 + s, 784);
      expected[s] = p.predict(inputs[s], 1);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> fs = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          for (int call = 0; call < 1000; call++) {
            int s = (id * 7 + call) % samples;
            assertArrayEquals(expected[s], p.predict(inputs[s], 1), "thread " + id + " call " + call);
          }
          return id;
        }));
      }
      for (Future<Integer> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
