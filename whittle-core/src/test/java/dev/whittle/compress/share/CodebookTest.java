package dev.whittle.compress.share;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.Prunable;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.Pruner;
import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Context;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodebookTest {
  @TempDir Path dir;

  @Test
  void centroidGradientIsTheSumOfItsMembersGradientsByHand() {
    // Weights 0.1, 0.9, 0, 0.2, 1.1 in two clusters; the zero is pruned and in neither.
    Parameter p = new Parameter("weight", new Tensor(new int[] {5},
        new float[] {0.1f, 0.9f, 0f, 0.2f, 1.1f}));
    p.addConstraint(new Codebook(1, "linear", new float[] {0.15f, 1f}, new int[] {0, 1, -1, 0, 1}));
    assertArrayEquals(new float[] {0.15f, 1f, 0f, 0.15f, 1f}, p.value().data());
    p.grad().data()[0] = 1f;
    p.grad().data()[1] = 2f;
    p.grad().data()[2] = 5f;
    p.grad().data()[3] = 3f;
    p.grad().data()[4] = -4f;
    p.constrainGradient();
    // dL/dC0 = 1 + 3, dL/dC1 = 2 - 4; the pruned weight gets none.
    assertArrayEquals(new float[] {4f, -2f, 0f, 4f, -2f}, p.grad().data());
    // One plain SGD step at rate 0.01: C0 = 0.15 - 0.04, C1 = 1 + 0.02.
    float[] w = p.latent().data();
    for (int i = 0; i < 5; i++) {
      w[i] -= 0.01f * p.grad().data()[i];
    }
    p.afterStep();
    p.refresh();
    float c0 = 0.15f - 0.01f * 4f;
    float c1 = 1f - 0.01f * -2f;
    assertArrayEquals(new float[] {c0, c1, 0f, c0, c1}, p.value().data());
    assertArrayEquals(new float[] {c0, c1}, ((Codebook) p.constraints().get(0)).centroids());
  }

  @Test
  void restoredLatentValuesBringTheirCentroidsBack() {
    Parameter p = new Parameter("weight", new Tensor(new int[] {4}, new float[] {1f, 2f, 0f, 5f}));
    p.addConstraint(new Codebook(1, "linear", new float[] {1.5f, 5f}, new int[] {0, 0, -1, 1}));
    float[] saved = p.latent().data().clone(); // 1.5, 1.5, 0, 5: early stopping's snapshot
    p.grad().data()[0] = 1f;
    p.constrainGradient();
    for (int i = 0; i < 4; i++) {
      p.latent().data()[i] -= 0.5f * p.grad().data()[i];
    }
    p.afterStep();
    p.refresh();
    assertArrayEquals(new float[] {1f, 1f, 0f, 5f}, p.value().data());
    System.arraycopy(saved, 0, p.latent().data(), 0, 4); // Trainer.restore: copy, then refresh
    p.refresh();
    assertArrayEquals(new float[] {1.5f, 1.5f, 0f, 5f}, p.value().data());
  }

  @Test
  void centroidGradientMatchesCentralDifferences() {
    Dense d = new Dense(6, 3, true);
    Rng rng = new Rng(4);
    float[] w = d.weight().latent().data();
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 5 == 0 ? 0f : (float) rng.normal();
    }
    d.weight().refresh();
    d.weight().addConstraint(new Codebook(2, "linear", new float[] {-1f, -0.2f, 0.3f, 1.2f},
        clustersOf(w, new float[] {-1f, -0.2f, 0.3f, 1.2f})));
    Codebook cb = Sharing.codebookOf(d.weight());
    Tensor x = new Tensor(new int[] {4, 6}, randoms(rng, 24));
    Tensor r = new Tensor(new int[] {4, 3}, randoms(rng, 12));
    d.forward(new Tensor[] {x}, Context.EVAL);
    d.weight().zeroGrad();
    d.backward(r, false);
    d.weight().constrainGradient();
    int[] cl = cb.clusters();
    float[] g = d.weight().grad().data();
    for (int k = 0; k < 4; k++) {
      double analytic = Double.NaN;
      for (int i = 0; i < cl.length; i++) {
        if (cl[i] == k) {
          analytic = g[i];
        }
      }
      double h = 1e-3;
      double numeric = (loss(d, x, r, k, h) - loss(d, x, r, k, -h)) / (2 * h);
      assertEquals(numeric, analytic, 2e-3 * Math.max(1, Math.abs(numeric)), "centroid " + k);
    }
  }

  /** sum(forward(x) * r) with centroid k moved by h (through the members and afterStep). */
  private static double loss(Dense d, Tensor x, Tensor r, int k, double h) {
    Parameter p = d.weight();
    Codebook cb = Sharing.codebookOf(p);
    float[] saved = p.latent().data().clone();
    float[] c = cb.centroids();
    int[] cl = cb.clusters();
    for (int i = 0; i < cl.length; i++) {
      if (cl[i] == k) {
        p.latent().data()[i] = (float) (c[k] + h);
      }
    }
    p.afterStep();
    p.refresh();
    Tensor y = d.forward(new Tensor[] {x}, Context.EVAL);
    double s = 0;
    for (int i = 0; i < y.size(); i++) {
      s += (double) y.data()[i] * r.data()[i];
    }
    System.arraycopy(saved, 0, p.latent().data(), 0, saved.length);
    p.afterStep();
    p.refresh();
    return s;
  }

  private static int[] clustersOf(float[] w, float[] c) {
    int[] cl = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      cl[i] = w[i] == 0f ? -1 : KMeans.nearest(c, w[i]);
    }
    return cl;
  }

  private static float[] randoms(Rng rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.normal();
    }
    return v;
  }

  @Test
  void prunedAndSharedWeightsStaySharedAndZeroThroughFineTuningAndSaving() {
    Split digits = DataSets.load("digits", null);
    Model m = Architectures.build("lenet300", new int[] {1, 8, 8}, 10, 1);
    TrainConfig cfg = new TrainConfig(1, 32, "nesterov", 0.05, 0.9, 1e-3, 0, 0, "constant", 0, 0,
        0, 1, "cross-entropy");
    new Trainer(cfg, Progress.silent()).fit(m, digits.train());
    Pruner.prune(m, Importance.magnitude(), PruneSpec.parse("0.7,fc3=0.3", false), "magnitude");
    Map<String, boolean[]> zeros = new java.util.LinkedHashMap<>();
    Prunable.weights(m).forEach((k, p) -> zeros.put(k, zeroMask(p.value().data())));
    var layers = Sharing.shareInPlace(m, ShareSpec.parse("3", KMeans.Init.LINEAR, 1));
    assertEquals(3, layers.size());
    // Momentum and weight decay would move tied weights apart without the codebook's hooks.
    new Trainer(cfg.withLr(0.001).withEpochs(2), Progress.silent()).fit(m, digits.train());
    for (Map.Entry<String, Parameter> e : Prunable.weights(m).entrySet()) {
      Parameter p = e.getValue();
      Codebook cb = Sharing.codebookOf(p);
      assertTrue(cb.k() <= 8 && cb.k() >= 6, "k " + cb.k());
      Set<Float> shared = new HashSet<>();
      for (float c : cb.centroids()) {
        shared.add(c);
      }
      float[] v = p.value().data();
      assertArrayEquals(v, p.latent().data(), e.getKey() + ": latent and seen weights agree");
      boolean[] z = zeros.get(e.getKey());
      for (int i = 0; i < v.length; i++) {
        assertEquals(z[i], v[i] == 0f, e.getKey() + "[" + i + "] zero before and after");
        assertTrue(z[i] || shared.contains(v[i]), e.getKey() + "[" + i + "] is a centroid");
      }
    }
    Path f = dir.resolve("s.wtl");
    ModelFile.save(m, f);
    Model back = ModelFile.load(f);
    for (Map.Entry<String, Parameter> e : Prunable.weights(back).entrySet()) {
      Parameter before = Prunable.weights(m).get(e.getKey());
      Codebook cb = Sharing.codebookOf(e.getValue());
      assertTrue(cb != null && Prunable.maskOf(e.getValue()) != null, "mask and codebook kept");
      assertArrayEquals(Sharing.codebookOf(before).centroids(), cb.centroids());
      assertArrayEquals(Sharing.codebookOf(before).clusters(), cb.clusters());
      assertBits(before.value().data(), e.getValue().value().data());
    }
    ModelFile.save(back, dir.resolve("again.wtl"));
    assertArrayEquals(bytes(f), bytes(dir.resolve("again.wtl")),
        "saving again gives the same bytes");
  }

  static void assertBits(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "weight " + i);
    }
  }

  private static byte[] bytes(Path p) {
    try {
      return java.nio.file.Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean[] zeroMask(float[] w) {
    boolean[] z = new boolean[w.length];
    for (int i = 0; i < w.length; i++) {
      z[i] = w[i] == 0f;
    }
    return z;
  }

  @Test
  void aLayerTooSparseForTheDefaultBitsGetsFewerWithANote() {
    Model m = Architectures.build("lenet300", new int[] {1, 8, 8}, 10, 1);
    Pruner.prune(m, Importance.magnitude(), PruneSpec.parse("0,fc3=0.99", false), "magnitude");
    var layers = Sharing.shareInPlace(m, ShareSpec.parse(null, KMeans.Init.LINEAR, 1));
    Sharing.Layer fc3 = layers.get(2);
    assertEquals(1, fc3.bits(), "10 non-zero weights make 2 clusters of 4 or more, not 32");
    assertEquals("fc3 has 10 non-zero weights, too few for 32 clusters of 4 or more: 1 bits"
        + " instead of 5", fc3.note());
    assertEquals(5, layers.get(0).bits());
    assertThrows(InputException.class, () -> Sharing.shareInPlace(m,
        ShareSpec.parse("5", KMeans.Init.LINEAR, 1)), "asked for, 5 bits is an error");
  }

  @Test
  void badSettingsNameTheLayerOrFlag() {
    Model m = Architectures.build("lenet300", new int[] {1, 8, 8}, 10, 1);
    assertEquals("--bits must be in 1..16, got 0",
        assertThrows(InputException.class, () -> ShareSpec.parse("0", KMeans.Init.LINEAR, 1))
            .getMessage());
    assertEquals("--bits must be in 1..16, got 17",
        assertThrows(InputException.class, () -> ShareSpec.parse("17", KMeans.Init.LINEAR, 1))
            .getMessage());
    // fc3 has 10 x 100 = 1000 weights: 1024 clusters are too many.
    String msg = assertThrows(InputException.class, () -> Sharing.shareInPlace(m,
        ShareSpec.parse("fc3=10", KMeans.Init.LINEAR, 1))).getMessage();
    assertTrue(msg.startsWith("layer fc3: 1024 clusters (10 bits) but only 1000 non-zero"), msg);
    assertTrue(Sharing.codebookOf(Prunable.weights(m).get("fc1")) == null, "nothing changed");
    assertThrows(InputException.class, () -> Sharing.shareInPlace(m,
        ShareSpec.parse("fc9=4", KMeans.Init.LINEAR, 1)));
  }
}
