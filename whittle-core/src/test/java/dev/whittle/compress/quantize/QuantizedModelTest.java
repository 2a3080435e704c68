package dev.whittle.compress.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Mask;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.io.Encoding;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Context;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized models end to end on the bundled digits (8x8 images): the compiled integer plan gives
 * bit for bit the simulated model's outputs, files keep every bit, pruned zeros stay zero.
 */
class QuantizedModelTest {
  private static final Split DIGITS = DataSets.load("digits", null);

  static QuantSpec spec(QuantSpec.Mode mode, int bits, boolean perChannel, boolean symmetric,
      String calibration) {
    return new QuantSpec(mode, bits, Map.of(), 0, perChannel, Set.of(), symmetric, calibration,
        256, false, false);
  }

  private static Model trained(String arch, int epochs) {
    Model m = Architectures.build(arch, DIGITS.train().sampleShape(), 10, 3);
    if (epochs > 0) {
      new Trainer(TrainConfig.defaults(epochs, 1), Progress.silent()).fit(m, DIGITS.train());
    }
    return m;
  }

  private static Model quantized(Model base, QuantSpec s) {
    Quantization.Prepared p = Quantization.prepare(base, s);
    Model m = p.model();
    if (s.mode() == QuantSpec.Mode.PTQ) {
      Quantization.calibrate(m, DIGITS.train(), s, 64);
    } else if (s.mode().trains()) {
      new Trainer(TrainConfig.finetuneDefaults(1, 2), Progress.silent()).fit(m, DIGITS.train());
    }
    Quantization.freeze(m);
    return m;
  }

  private static float[] forward(Model m, Dataset d, int n) {
    float[] x = java.util.Arrays.copyOf(d.x(), n * d.features());
    return m.forward(new Tensor(Shapes.batched(n, d.sampleShape()), x), Context.EVAL).data().clone();
  }

  private static void assertPlanIsExact(Model m) {
    Dataset test = DIGITS.test();
    int n = 97;
    float[] x = java.util.Arrays.copyOf(test.x(), n * test.features());
    float[] sim = forward(m, test, n);
    Plan plan = Plan.compile(m);
    assertArrayEquals(sim, plan.predict(x, n), "batch of " + n + ":\n" + String.join("\n", plan.describe()));
    float[] one = plan.predict(java.util.Arrays.copyOf(x, test.features()), 1);
    assertArrayEquals(forward(m, test, 1), one, "batch of 1");
  }

  @Test
  void integerPlansReproduceTheSimulationBitForBit() {
    Model mlp = trained("mlp:64-32-bn-24-10", 2);
    Model cnn = trained("cnn:c6-bn-mp2-c8k3-16-10", 2);
    for (Model base : List.of(mlp, cnn)) {
      for (QuantSpec s : List.of(
          spec(QuantSpec.Mode.PTQ, 8, true, true, "minmax"),
          spec(QuantSpec.Mode.PTQ, 4, false, false, "percentile:99.9"),
          spec(QuantSpec.Mode.PTQ, 3, true, true, "mse"),
          spec(QuantSpec.Mode.PTQ, 8, true, true, "entropy"),
          spec(QuantSpec.Mode.DYNAMIC, 8, true, true, "minmax"),
          spec(QuantSpec.Mode.QAT, 4, true, true, "minmax"))) {
        Model q = quantized(base, s);
        String all = String.join("\n", Plan.compile(q).describe());
        assertTrue(all.contains(" x u"), "integer kernels compiled:\n" + all);
        assertPlanIsExact(q);
      }
    }
  }

  @Test
  void binaryActivationsRunOnSignsAndMatchExactly() {
    Model base = trained("mlp:64-48-bn-32-bn-10", 1);
    QuantSpec s = new QuantSpec(QuantSpec.Mode.BINARY, 8, Map.of(), 0, false, Set.of(), true,
        "minmax", 256, true, false);
    Model q = quantized(base, s);
    String all = String.join("\n", Plan.compile(q).describe());
    assertTrue(all.contains("x sign"), all);
    assertPlanIsExact(q);
  }

  @Test
  void binaryWeightsOnFloatInputsRunSignAndScaleWithBatchNormFolded() {
    Model q = quantized(trained("mlp:64-48-bn-32-bn-10", 1), new QuantSpec(QuantSpec.Mode.BINARY,
        8, Map.of(), 0, false, Set.of(), true, "minmax", 256, false, true));
    String all = String.join("\n", Plan.compile(q).describe());
    assertTrue(all.contains("binary x f32 (sign-and-scale)"), all);
    assertTrue(!all.contains("batchnorm"), all);
    Dataset test = DIGITS.test();
    for (int n : new int[] {1, 2, 3, 40}) {
      float[] sim = forward(q, test, n);
      float[] got = Plan.compile(q).predict(java.util.Arrays.copyOf(test.x(), n * 64), n);
      for (int i = 0; i < sim.length; i++) {
        assertEquals(sim[i], got[i], 1e-4 * Math.max(1, Math.abs(sim[i])), "batch " + n);
      }
    }
  }

  @Test
  void filesKeepEveryBitAndShrinkWithTheBits(@TempDir Path dir) throws Exception {
    Model base = trained("mlp:64-512-256-10", 1);
    Path f32 = dir.resolve("f.wtl");
    ModelFile.save(base, f32);
    long dense = Files.size(f32);
    Map<String, Integer> all4 = Map.of("fc1", 4, "fc2", 4, "fc3", 4);
    Map<String, Integer> all2 = Map.of("fc1", 2, "fc2", 2, "fc3", 2);
    long weights = 64 * 512 + 512 * 256 + 256 * 10;
    long channels = 512 + 256 + 10; // one bias and one scale each
    record Case(QuantSpec spec, double ratio) {}
    for (Case c : List.of(
        new Case(spec(QuantSpec.Mode.PTQ, 8, true, true, "minmax"), 4),
        new Case(new QuantSpec(QuantSpec.Mode.PTQ, 4, all4, 8, true, Set.of(), true, "minmax", 256,
            false, false), 8),
        new Case(new QuantSpec(QuantSpec.Mode.PTQ, 2, all2, 8, true, Set.of(), true, "minmax", 256,
            false, false), 16))) {
      Model q = quantized(base, c.spec());
      Path p = dir.resolve("q.wtl");
      ModelFile.save(q, p);
      // Weights take 32/ratio bits each; biases and scales 4 bytes per channel; the graph, the
      // provenance and the section headers about 2 KB. At 2 bits most weights round to zero and
      // the sparse form (8-bit gaps beside 2-bit codes) is smaller still.
      long packed = (long) (weights * 4 / c.ratio());
      long size = Files.size(p);
      boolean sparse = q.graph().parameters().values().stream()
          .anyMatch(w -> ModelFile.storedEncoding(w) == Encoding.SPARSE_QUANT);
      assertEquals(c.spec().bits() == 2, sparse, c.toString());
      assertTrue((sparse || size > packed) && size < packed + 8 * channels + 2048,
          size + " bytes, weights " + packed + " for " + c);
      Model back = ModelFile.load(p);
      assertArrayEquals(forward(q, DIGITS.test(), 50), forward(back, DIGITS.test(), 50));
      assertArrayEquals(Plan.compile(q).predict(java.util.Arrays.copyOf(DIGITS.test().x(), 640), 10),
          Plan.compile(back).predict(java.util.Arrays.copyOf(DIGITS.test().x(), 640), 10));
    }
    // Binary weights everywhere (first and last named at 1 bit): about 1/32.
    Model b = quantized(base, new QuantSpec(QuantSpec.Mode.BINARY, 8, Map.of("fc1", 1, "fc3", 1),
        0, false, Set.of(), true, "minmax", 256, false, false));
    Path p = dir.resolve("b.wtl");
    ModelFile.save(b, p);
    double ratio = (double) dense / Files.size(p);
    assertTrue(ratio > 20 && ratio <= 32, "binary ratio " + ratio);
    assertArrayEquals(forward(b, DIGITS.test(), 50), forward(ModelFile.load(p), DIGITS.test(), 50));
  }

  @Test
  void prunedZerosStayExactlyZero(@TempDir Path dir) {
    for (QuantSpec.Mode mode : List.of(QuantSpec.Mode.PTQ, QuantSpec.Mode.QAT,
        QuantSpec.Mode.TERNARY, QuantSpec.Mode.BINARY)) {
      Model base = trained("mlp:64-32-24-10", 1);
      for (Parameter p : base.graph().parameters().values()) {
        if (p.latent().rank() == 2) {
          float[] w = p.latent().data();
          for (int i = 0; i < w.length; i += 2) {
            w[i] = 0f;
          }
          p.addConstraint(Mask.ofNonZeros(w, "test"));
        }
      }
      QuantSpec s = new QuantSpec(mode, mode == QuantSpec.Mode.PTQ ? 4 : 8,
          Map.of("fc1", mode.uniform() ? 4 : 1), 0, true, Set.of(), false, "minmax", 256, false, false);
      Model q = quantized(base, s);
      Path f = dir.resolve(mode + ".wtl");
      ModelFile.save(q, f);
      for (Model m : List.of(q, ModelFile.load(f))) {
        for (Map.Entry<String, Parameter> e : m.graph().parameters().entrySet()) {
          if (e.getValue().latent().rank() == 2) {
            float[] v = e.getValue().value().data();
            for (int i = 0; i < v.length; i += 2) {
              assertEquals(0f, v[i], mode + " " + e.getKey() + "[" + i + "]");
            }
          }
        }
      }
    }
  }

  @Test
  void ternaryAndBinaryFollowTheirPapersOnAHandCase() {
    float[] w = {0.1f, -0.5f, 1.0f, -1.0f, 0.05f};
    float[] out = new float[5];
    LowBitWeights t = new LowBitWeights(LowBitWeights.Type.TERNARY, 1);
    t.project(w, out);
    // mean |w| = 2.65 / 5 = 0.53, delta = 0.371; above it: 0.5, 1, 1, alpha = 2.5 / 3.
    float a = (float) (2.5 / 3);
    assertArrayEquals(new float[] {0f, -a, a, -a, 0f}, out, 1e-6f);
    LowBitWeights b = new LowBitWeights(LowBitWeights.Type.BINARY, 1);
    b.project(w, out);
    float m = (float) (2.65 / 5);
    assertArrayEquals(new float[] {m, -m, m, -m, m}, out, 1e-6f);
    LowBitWeights l = new LowBitWeights(LowBitWeights.Type.LOGIC, 1);
    l.project(new float[] {1f, 2f, 10f, 11f}, out);
    assertArrayEquals(new float[] {1.5f, 1.5f, 10.5f, 10.5f}, java.util.Arrays.copyOf(out, 4));
    assertEquals(1.5f, l.offset()[0]);
    assertEquals(9f, l.scale()[0]);
  }

  @Test
  void logicWeightsCompileAndRefusePrunedLayers() {
    Model base = trained("mlp:64-32-10", 1);
    Model q = quantized(base, new QuantSpec(QuantSpec.Mode.LOGIC, 8, Map.of("fc1", 1), 0, false,
        Set.of(), true, "minmax", 256, false, false));
    Dataset test = DIGITS.test();
    float[] sim = forward(q, test, 20);
    float[] got = Plan.compile(q).predict(java.util.Arrays.copyOf(test.x(), 20 * 64), 20);
    for (int i = 0; i < sim.length; i++) {
      assertEquals(sim[i], got[i], 1e-4 * Math.max(1, Math.abs(sim[i])));
    }
    assertTrue(String.join("\n", Plan.compile(q).describe()).contains("two-level (0/1)"));
    Model pruned = trained("mlp:64-32-10", 0);
    Dense fc1 = (Dense) pruned.graph().nodes().stream().filter(n -> n.name().equals("fc1"))
        .findFirst().orElseThrow().layer();
    fc1.weight().latent().data()[3] = 0f;
    InputException e = assertThrows(InputException.class, () -> Quantization.prepare(pruned,
        new QuantSpec(QuantSpec.Mode.LOGIC, 8, Map.of("fc1", 1), 0, false, Set.of(), true,
            "minmax", 256, false, false)));
    assertTrue(e.getMessage().contains("fc1"), e.getMessage());
  }

  @Test
  void straightThroughGradientIsZeroOutsideTheClippingRange() {
    Dense d = new Dense(4, 2, false);
    float[] w = d.weight().latent().data();
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.25f * (i + 1);
    }
    d.weight().refresh();
    UniformInput q = new UniformInput(8, false, UniformInput.Mode.STATIC);
    q.setRange(0f, 1f);
    d.setInputQuantizer(q);
    Tensor x = Tensor.of(new int[] {1, 4}, -0.5f, 0.25f, 0.75f, 2f);
    Tensor y = d.forward(new Tensor[] {x}, Context.EVAL);
    // Codes: clamp(rint(x * 255)) = 0, 64, 191, 255; y = W x_q.
    float s = 1f / 255;
    float[] xq = {0f, 64 * s, 191 * s, 255 * s};
    for (int o = 0; o < 2; o++) {
      double e = 0;
      for (int i = 0; i < 4; i++) {
        e += xq[i] * w[o * 4 + i];
      }
      assertEquals(e, y.data()[o], 1e-5);
    }
    Tensor[] g = d.backward(Tensor.of(new int[] {1, 2}, 1f, 1f), true);
    // Inside [0, 1]: the float gradient sum_o W[o][i]; outside: 0.
    assertArrayEquals(new float[] {0f, w[1] + w[5], w[2] + w[6], 0f}, g[0].data(), 1e-6f);
  }

  @Test
  void batchNormIsFoldedBeforeQuantizing() {
    Model base = trained("mlp:64-32-bn-10", 1);
    Model q = Quantization.prepare(trained("mlp:64-32-bn-10", 1),
        spec(QuantSpec.Mode.PTQ, 8, true, true, "minmax")).model();
    assertTrue(q.graph().nodes().stream().noneMatch(n -> n.layer().kind().equals("batchnorm")));
    assertEquals(base.graph().nodes().size() - 1, q.graph().nodes().size());
    Model folded = BatchNormFolding.fold(trained("mlp:64-32-bn-10", 1));
    float[] a = forward(base, DIGITS.test(), 30);
    float[] b = forward(folded, DIGITS.test(), 30);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-4 * Math.max(1, Math.abs(a[i])));
    }
  }

  @Test
  void badSettingsAreRefusedWithTheirFlag() {
    Model base = trained("mlp:64-32-10", 0);
    assertThrows(InputException.class, () -> spec(QuantSpec.Mode.PTQ, 9, true, true, "minmax"));
    assertTrue(assertThrows(InputException.class, () -> Quantization.prepare(base,
        new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, false, Set.of("relu1"), true, "minmax",
            256, false, false))).getMessage().contains("no channel axis"));
    assertTrue(assertThrows(InputException.class, () -> Quantization.prepare(base,
        new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of("fc9", 4), 0, false, Set.of(), true, "minmax",
            256, false, false))).getMessage().contains("fc9"));
    Model m = Quantization.prepare(base, spec(QuantSpec.Mode.PTQ, 8, true, true, "minmax")).model();
    assertTrue(assertThrows(InputException.class, () -> Quantization.calibrate(m, DIGITS.train(),
        new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, true, Set.of(), true, "minmax", 10,
            false, false), 64)).getMessage().contains("smaller than one batch"));
    assertTrue(assertThrows(InputException.class, () -> Quantization.calibrate(m, DIGITS.train(),
        spec(QuantSpec.Mode.PTQ, 8, true, true, "kl"), 64)).getMessage().contains("--calibration"));
  }
}
