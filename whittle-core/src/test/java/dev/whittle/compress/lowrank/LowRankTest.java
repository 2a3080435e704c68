package dev.whittle.compress.lowrank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Mask;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Activation;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Context;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Flatten;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LowRankTest {
  @TempDir Path dir;

  @Test
  void atFullRankTheFactorsComputeWhatTheLayersDid() {
    Model m = randomized(smallCnn(), 1);
    Map<String, LowRankRewrite.Factors> full = new LinkedHashMap<>();
    for (Graph.Node n : m.graph().nodes()) {
      Parameter w = n.layer() instanceof Dense d ? d.weight()
          : n.layer() instanceof Conv2d c ? c.weight() : null;
      if (w != null) {
        int rows = w.latent().dim(0);
        Svd svd = Svd.of(w.value().data(), rows, w.size() / rows);
        full.put(n.name(), new LowRankRewrite.Factors(svd, svd.k()));
      }
    }
    Tensor x = input(m, 4, 2);
    float[] before = m.forward(x, Context.EVAL).data().clone();
    Model f = LowRankRewrite.rewrite(m, full);
    assertEquals(List.of("conv1_a", "conv1", "relu1", "conv2_a", "conv2", "relu2", "flatten",
        "fc1_a", "fc1", "relu3", "fc2_a", "fc2"), names(f));
    assertArrayEquals(before, f.forward(x, Context.EVAL).data(), 1e-4f);
    float[] planned = new float[before.length];
    Plan.compile(f).predict(x.data(), 4, planned);
    assertArrayEquals(before, planned, 1e-4f);
  }

  @Test
  void lenet300AtLowerRanksRunsRTimesInPlusOutMultiplyAdds() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 3);
    LowRank.Result r = LowRank.factorize(m, RankSpec.parse("fc1=20,fc2=10,fc3=10", null));
    assertEquals(List.of("flatten", "fc1_a", "fc1", "relu1", "fc2_a", "fc2", "relu2", "fc3"),
        names(r.model()));
    long macs = 20 * (784 + 300) + 10 * (300 + 100) + 100 * 10;
    assertEquals(macs, r.model().graph().macs());
    assertEquals(macs, Plan.compile(r.model()).macs());
    assertEquals(macs + 300 + 100 + 10, r.model().paramCount());
    LowRank.LayerRank fc1 = r.layers().get(0);
    assertEquals(new LowRank.LayerRank("fc1", "dense", 20, 300, fc1.energy(), 784 * 300 + 300,
        20 * (784 + 300) + 300, true), fc1);
    LowRank.LayerRank fc3 = r.layers().get(2);
    assertFalse(fc3.factored(), "rank 10 of 10 saves nothing");
    assertEquals("fc3 rank 10/10, energy 100.0%, left whole: two factors would have 1,110"
        + " params, the layer has 1,010", fc3.summary());
    assertTrue(((Dense) layer(r.model(), "fc1_a")).bias() == null);
    assertEquals(300, ((Dense) layer(r.model(), "fc1")).out());
  }

  @Test
  void energyKeepsTheLargestSingularValuesAndTheProductIsTheTruncatedWeight() {
    // A (6, 8) weight with singular values 4, 3, 2, 1, 0.5, 0.25 on its diagonal: s^2 sums to
    // 30.3125, and 0.9 of it (27.28) needs 16 + 9 + 4 = 29, rank 3.
    float[] s = {4, 3, 2, 1, 0.5f, 0.25f};
    Dense d = new Dense(8, 6, true);
    for (int i = 0; i < 6; i++) {
      d.weight().latent().data()[i * 8 + i] = s[i];
      d.bias().latent().data()[i] = i;
    }
    Model m = new Model(Graph.sequential(new int[] {8}, Map.of("fc", d)));
    LowRank.Result r = LowRank.factorize(m, RankSpec.parse(null, 0.9));
    assertEquals(3, r.layers().get(0).rank());
    assertEquals(29 / 30.3125, r.layers().get(0).energy(), 1e-12);
    float[] a = ((Dense) layer(r.model(), "fc_a")).weight().value().data(); // (3, 8)
    float[] b = ((Dense) layer(r.model(), "fc")).weight().value().data(); // (6, 3)
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 8; j++) {
        double w = 0;
        for (int t = 0; t < 3; t++) {
          w += b[i * 3 + t] * a[t * 8 + j];
        }
        assertEquals(i == j && i < 3 ? s[i] : 0, w, 1e-6, "W[" + i + "][" + j + "]");
      }
    }
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5},
        ((Dense) layer(r.model(), "fc")).bias().value().data());
  }

  @Test
  void aConvolutionBecomesAThinConvolutionAndAOneByOne() {
    Model m = randomized(smallCnn(), 5);
    LowRank.Result r = LowRank.factorize(m, RankSpec.parse("conv2=3", null));
    Conv2d a = (Conv2d) layer(r.model(), "conv2_a");
    Conv2d b = (Conv2d) layer(r.model(), "conv2");
    assertEquals(List.of(8, 3, 3, 3, 2, 1), List.of(a.inChannels(), a.outChannels(), a.kernelH(),
        a.kernelW(), a.stride(), a.pad()));
    assertEquals(List.of(3, 6, 1, 1, 1, 0), List.of(b.inChannels(), b.outChannels(), b.kernelH(),
        b.kernelW(), b.stride(), b.pad()));
    assertTrue(a.bias() == null && b.bias() != null);
    // conv1 8x3x3 on 1x10x10 (pad 1): 10x10 out; conv2 stride 2, pad 1: 5x5 out.
    long macs = 8L * 9 * 100 + 3L * (8 * 9 + 6) * 25 + 150L * 16 + 16L * 5;
    assertEquals(macs, r.model().graph().macs());
    assertEquals(macs, Plan.compile(r.model()).macs());
  }

  @Test
  void theFactorizedModelSurvivesSaveAndLoad() {
    Model m = randomized(smallCnn(), 6);
    Model f = LowRank.factorize(m, RankSpec.parse("conv2=2,fc1=4", null)).model();
    f.provenance().put("lowrank", "test");
    Path p = dir.resolve("f.wtl");
    ModelFile.save(f, p);
    Model g = ModelFile.load(p);
    assertEquals(names(f), names(g));
    Tensor x = input(m, 3, 7);
    float[] want = f.forward(x, Context.EVAL).data().clone();
    assertArrayEquals(want, g.forward(x, Context.EVAL).data(), 0f);
    assertEquals("test", g.provenance().get("lowrank"));
  }

  @Test
  void factorizingAgainTakesAFreshName() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 4);
    Model once = LowRank.factorize(m, RankSpec.parse("fc1=20", null)).model();
    Model twice = LowRank.factorize(once, RankSpec.parse("fc1=10", null)).model();
    assertEquals(List.of("flatten", "fc1_a", "fc1_a2", "fc1", "relu1", "fc2", "relu2", "fc3"),
        names(twice));
    assertEquals(20L * 784 + 10 * (20 + 300) + 300 * 100 + 100 * 10, twice.graph().macs());
  }

  @Test
  void constrainedOrUnknownLayersAreRefusedByName() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 5);
    InputException unknown = assertThrows(InputException.class,
        () -> LowRank.factorize(m, RankSpec.parse("fc9=4", null)));
    assertEquals("--rank names layer 'fc9', which is not a dense or convolution layer of the"
        + " model (it has fc1, fc2, fc3)", unknown.getMessage());
    InputException above = assertThrows(InputException.class,
        () -> LowRank.factorize(m, RankSpec.parse("fc2=101", null)));
    assertEquals("--rank fc2=101 is above the full rank of layer fc2: its weight is 100 x 300, so"
        + " its rank is at most 100", above.getMessage());
    Dense fc2 = (Dense) layer(m, "fc2");
    fc2.weight().addConstraint(Mask.ofNonZeros(fc2.weight().value().data(), "magnitude"));
    InputException masked = assertThrows(InputException.class,
        () -> LowRank.factorize(m, RankSpec.parse(null, 0.5)));
    assertEquals("layer fc2: low-rank factorization replaces its weight and cannot keep its"
        + " 'mask' constraint; factorize the float model first, then prune, share or quantize",
        masked.getMessage());
    // A constrained layer the spec leaves alone is no obstacle.
    assertEquals(20L * (784 + 300) + 300 * 100 + 100 * 10,
        LowRank.factorize(m, RankSpec.parse("fc1=20", null)).model().graph().macs());
  }

  /** conv 1->8 3x3 pad 1, relu, conv 8->6 3x3 stride 2 pad 1, relu, flatten, 150->16, relu, 16->5. */
  static Model smallCnn() {
    Map<String, Layer> layers = new LinkedHashMap<>();
    layers.put("conv1", new Conv2d(1, 8, 3, 3, 1, 1, true));
    layers.put("relu1", Activation.relu());
    layers.put("conv2", new Conv2d(8, 6, 3, 3, 2, 1, true));
    layers.put("relu2", Activation.relu());
    layers.put("flatten", new Flatten());
    layers.put("fc1", new Dense(150, 16, true));
    layers.put("relu3", Activation.relu());
    layers.put("fc2", new Dense(16, 5, true));
    return new Model(Graph.sequential(new int[] {1, 10, 10}, layers));
  }

  static Model randomized(Model m, long seed) {
    Rng rng = new Rng(seed);
    for (Parameter p : m.graph().parameters().values()) {
      float[] v = p.latent().data();
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (0.5 * rng.normal());
      }
      p.refresh();
    }
    return m;
  }

  private static Tensor input(Model m, int n, long seed) {
    Tensor x = Tensor.zeros(Shapes.batched(n, m.inputShape()));
    Rng rng = new Rng(seed);
    float[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rng.uniform();
    }
    return x;
  }

  private static List<String> names(Model m) {
    return m.graph().nodes().stream().map(Graph.Node::name).toList();
  }

  private static Layer layer(Model m, String name) {
    return m.graph().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow()
        .layer();
  }
}
