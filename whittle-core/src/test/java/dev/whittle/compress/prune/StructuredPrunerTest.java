package dev.whittle.compress.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Activation;
import dev.whittle.nn.Add;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Context;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Flatten;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.Pool2d;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StructuredPrunerTest {
  private static final PruneSpec HALF = new PruneSpec(0.5, Map.of(), false);

  @Test
  void lenet300LosesHalfItsHiddenNeuronsAndMatchesTheMaskedModel() {
    Model m = randomized(Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1), 2);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(), HALF);
    assertEquals(new StructuredPruner.Kept(150, 300), r.kept().get("fc1"));
    assertEquals(new StructuredPruner.Kept(50, 100), r.kept().get("fc2"));
    assertEquals(new StructuredPruner.Kept(10, 10), r.kept().get("fc3"));
    assertTrue(r.leftWhole().get("fc3").contains("model's output"), r.summary());
    assertEquals(784 * 150 + 150 + 150 * 50 + 50 + 50 * 10 + 10, r.model().paramCount());
    assertEquals(784 * 150 + 150 * 50 + 50 * 10, r.model().graph().macs());
    assertMatchesMasked(m, ChannelImportance.l1(), HALF, 7);
  }

  @Test
  void l2AndFirstOrderAlsoMatchTheMaskedModel() {
    Model m = randomized(Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 3), 4);
    assertMatchesMasked(m, ChannelImportance.l2(), HALF, 5);
    ChannelImportance taylor = ChannelImportance.firstOrder(randomData(130, 784, 5), 3, 1);
    assertMatchesMasked(m, taylor, HALF, 5);
  }

  @Test
  void convolutionsBatchNormPoolingAndFlattenFollowTheirFilters() {
    Model m = randomized(smallCnn(), 5);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(), HALF);
    assertEquals(new StructuredPruner.Kept(4, 8), r.kept().get("conv1"));
    assertEquals(new StructuredPruner.Kept(3, 6), r.kept().get("conv2"));
    assertEquals(new StructuredPruner.Kept(8, 16), r.kept().get("fc1"));
    Dense fc1 = (Dense) layer(r.model(), "fc1");
    assertEquals(3 * 3 * 3, fc1.in());
    assertEquals(4, ((BatchNorm) layer(r.model(), "bn1")).features());
    long macs = 4L * 1 * 9 * 10 * 10 + 3L * 4 * 9 * 3 * 3 + 27L * 8 + 8L * 10;
    assertEquals(macs, r.model().graph().macs());
    assertMatchesMasked(m, ChannelImportance.l1(), HALF, 6);
  }

  @Test
  void lenet5ConvolutionsShrinkAndStillMatch() {
    Model m = randomized(Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 7), 8);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(), HALF);
    assertEquals(25 * 4 * 4, ((Dense) layer(r.model(), "fc1")).in());
    assertEquals(10 * 5 * 5 * 24 * 24 + 25 * 10 * 25 * 8 * 8 + 400 * 250 + 250 * 10,
        r.model().graph().macs());
    assertMatchesMasked(m, ChannelImportance.l1(), HALF, 3);
  }

  @Test
  void channelsJoinedByResidualAddsArePrunedTogether() {
    Model m = randomized(residualCnn(), 9);
    ChannelSelection sel = StructuredPruner.select(m, ChannelImportance.l1(), HALF);
    ChannelGroup g = sel.groups().get(sel.groupOf("c1"));
    assertEquals(List.of("c1", "c2", "c3"), g.members());
    assertEquals(List.of("b1", "b2"), g.followers());
    assertEquals(List.of("c2", "c3", "fc"), g.consumers());
    assertEquals(4, sel.kept(sel.groupOf("c1")));
    Model slim = StructuredPruner.slim(m, sel);
    assertEquals(4, ((Conv2d) layer(slim, "c2")).inChannels());
    assertEquals(4, ((Conv2d) layer(slim, "c3")).outChannels());
    assertMatchesMasked(m, ChannelImportance.l1(), HALF, 4);
  }

  @Test
  void denseResidualWithBatchNormMatches() {
    Model m = randomized(new Model(new Graph(new int[] {20}, List.of(
        node("fc1", new Dense(20, 16, true), Graph.INPUT),
        node("bn1", new BatchNorm(16, 1e-5f, 0.1f), "fc1"),
        node("relu1", Activation.relu(), "bn1"),
        node("fc2", new Dense(16, 16, true), "relu1"),
        node("bn2", new BatchNorm(16, 1e-5f, 0.1f), "fc2"),
        new Graph.Node("add", new Add(), List.of("bn2", "relu1")),
        node("relu2", Activation.relu(), "add"),
        node("fc3", new Dense(16, 5, true), "relu2")))), 10);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l2(), HALF);
    assertEquals(new StructuredPruner.Kept(8, 16), r.kept().get("fc2"));
    assertEquals(8, ((Dense) layer(r.model(), "fc2")).in());
    assertMatchesMasked(m, ChannelImportance.l2(), HALF, 6);
  }

  @Test
  void anAddOfTheModelInputLeavesItsGroupWhole() {
    Model m = randomized(new Model(new Graph(new int[] {8}, List.of(
        node("fc1", new Dense(8, 8, true), Graph.INPUT),
        new Graph.Node("add", new Add(), List.of("fc1", Graph.INPUT)),
        node("relu", Activation.relu(), "add"),
        node("fc2", new Dense(8, 6, true), "relu"),
        node("fc3", new Dense(6, 3, true), "fc2")))), 11);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(), HALF);
    assertEquals(new StructuredPruner.Kept(8, 8), r.kept().get("fc1"));
    assertTrue(r.leftWhole().get("fc1").contains("adds input"), r.summary());
    assertEquals(new StructuredPruner.Kept(3, 6), r.kept().get("fc2"));
    PruneSpec named = new PruneSpec(0, Map.of("fc1", 0.5), false);
    InputException e = assertThrows(InputException.class,
        () -> StructuredPruner.prune(m, ChannelImportance.l1(), named));
    assertTrue(e.getMessage().contains("fc1 cannot lose channels"), e.getMessage());
  }

  @Test
  void aLayerLeftWithNoNeuronsIsRefusedByName() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1);
    PruneSpec all = PruneSpec.parse("fc1=0.999", false);
    InputException e = assertThrows(InputException.class,
        () -> StructuredPruner.prune(m, ChannelImportance.l1(), all));
    assertEquals("layer fc1: structured pruning would leave it with none of its 300 neurons:"
        + " --sparsity fc1=0.999 removes round(0.999 x 300) = 300; a layer must keep at least"
        + " one", e.getMessage());
    InputException out = assertThrows(InputException.class, () -> StructuredPruner.prune(m,
        ChannelImportance.l1(), PruneSpec.parse("fc3=0.5", false)));
    assertTrue(out.getMessage().contains("fc3") && out.getMessage().contains("model's output"),
        out.getMessage());
    InputException unknown = assertThrows(InputException.class, () -> StructuredPruner.prune(m,
        ChannelImportance.l1(), PruneSpec.parse("fc9=0.5", false)));
    assertTrue(unknown.getMessage().contains("fc1, fc2"), unknown.getMessage());
  }

  @Test
  void globalScopeRanksAllChannelsTogether() {
    Model m = randomized(Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1), 2);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(),
        new PruneSpec(0.5, Map.of(), true));
    int kept = r.kept().get("fc1").kept() + r.kept().get("fc2").kept();
    assertEquals(200, kept, r.summary());
    assertMatchesMasked(m, ChannelImportance.l1(), new PruneSpec(0.5, Map.of(), true), 3);
  }

  @Test
  void handComputedNorms() {
    Dense d = new Dense(3, 2, true);
    float[] w = {1, -2, 2, 0, 3, -4};
    System.arraycopy(w, 0, d.weight().latent().data(), 0, 6);
    Model m = new Model(new Graph(new int[] {3}, List.of(node("fc", d, Graph.INPUT))));
    // rows (1, -2, 2) and (0, 3, -4): L1 5 and 7, L2 3 and 5, over 3 weights each
    assertArrayEquals(new float[] {5f / 3, 7f / 3}, ChannelImportance.l1().scores(m).get("fc"),
        1e-6f);
    assertArrayEquals(new float[] {(float) Math.sqrt(3), (float) (5 / Math.sqrt(3))},
        ChannelImportance.l2().scores(m).get("fc"), 1e-6f);
  }

  @Test
  void theSlimModelSavesLoadsAndCompiles(@TempDir Path dir) {
    Model m = randomized(smallCnn(), 12);
    m.provenance().put("architecture", "hand-made");
    Model slim = StructuredPruner.prune(m, ChannelImportance.l1(), HALF).model();
    assertEquals("hand-made", slim.provenance().get("architecture"));
    Path file = dir.resolve("slim.wtl");
    ModelFile.save(slim, file);
    Model back = ModelFile.load(file);
    float[] x = random(13, 5 * 144);
    float[] expected = forward(slim, x, 5);
    assertClose(expected, forward(back, x, 5));
    assertClose(expected, Plan.compile(back).predict(x, 5));
    assertEquals(slim.paramCount(), back.paramCount());
  }

  @Test
  void paddedConvolutionsStillShrinkAndRun() {
    Model m = randomized(Architectures.build("cnn:c8-bn-mp2-c6-bn-16-10",
        new int[] {1, 12, 12}, 10, 3), 14);
    StructuredPruner.Result r = StructuredPruner.prune(m, ChannelImportance.l1(), HALF);
    assertEquals(new StructuredPruner.Kept(3, 6), r.kept().get("conv2"));
    assertEquals(10, Plan.compile(r.model()).predict(random(1, 144), 1).length);
  }

  // --- helpers ---

  /**
   * Prunes with the given spec and checks the slim model against the masked model built here,
   * independently of the rewrite: the input model with the removed rows zeroed in place.
   */
  private static void assertMatchesMasked(Model m, ChannelImportance imp, PruneSpec spec, int n) {
    ChannelSelection sel = StructuredPruner.select(m, imp, spec);
    Model slim = StructuredPruner.slim(m, sel);
    assertTrue(slim.paramCount() < m.paramCount(), "the model shrinks");
    int in = (int) Shapes.size(m.inputShape());
    float[] x = random(99, n * in);
    float[] before = forward(m, x, n);
    for (int g = 0; g < sel.groups().size(); g++) {
      for (String member : sel.groups().get(g).members()) {
        zeroRows(layer(m, member), sel.keep().get(g));
      }
    }
    float[] masked = forward(m, x, n);
    assertClose(masked, forward(slim, x, n));
    boolean changed = false;
    for (int i = 0; i < before.length; i++) {
      changed |= before[i] != masked[i];
    }
    assertTrue(changed, "the masking changes the outputs, so the check means something");
  }

  private static void zeroRows(Layer l, boolean[] keep) {
    Parameter w = l instanceof Dense d ? d.weight() : ((Conv2d) l).weight();
    float[] v = w.latent().data();
    int len = v.length / keep.length;
    for (int c = 0; c < keep.length; c++) {
      for (int i = 0; !keep[c] && i < len; i++) {
        v[c * len + i] = 0f;
      }
    }
    w.refresh();
  }

  private static void assertClose(float[] expected, float[] got) {
    assertEquals(expected.length, got.length);
    for (int i = 0; i < got.length; i++) {
      double err = Math.abs(got[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
      assertTrue(err <= 1e-5, "output " + i + ": got " + got[i] + ", expected " + expected[i]);
    }
  }

  private static float[] forward(Model m, float[] x, int n) {
    return m.forward(new Tensor(Shapes.batched(n, m.inputShape()), x), Context.EVAL).data()
        .clone();
  }

  private static Layer layer(Model m, String name) {
    return m.graph().nodes().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow().layer();
  }

  private static Graph.Node node(String name, Layer l, String input) {
    return new Graph.Node(name, l, List.of(input));
  }

  /** Unpadded: conv 3x3 1->8, bn, relu, max-pool 2, conv 3x3 8->6, bn, relu, dense 54-16-10. */
  private static Model smallCnn() {
    return new Model(new Graph(new int[] {1, 12, 12}, List.of(
        node("conv1", new Conv2d(1, 8, 3, 3, 1, 0, true), Graph.INPUT),
        node("bn1", new BatchNorm(8, 1e-5f, 0.1f), "conv1"),
        node("relu1", Activation.relu(), "bn1"),
        node("pool1", new Pool2d(Pool2d.Mode.MAX, 2, 2), "relu1"),
        node("conv2", new Conv2d(8, 6, 3, 3, 1, 0, true), "pool1"),
        node("bn2", new BatchNorm(6, 1e-5f, 0.1f), "conv2"),
        node("relu2", Activation.relu(), "bn2"),
        node("flatten", new Flatten(), "relu2"),
        node("fc1", new Dense(54, 16, true), "flatten"),
        node("relu3", Activation.relu(), "fc1"),
        node("fc2", new Dense(16, 10, true), "relu3"))));
  }

  /** Two residual blocks of 1x1 convolutions on an unpadded 3x3 stem, then average pooling. */
  private static Model residualCnn() {
    return new Model(new Graph(new int[] {2, 6, 6}, List.of(
        node("c1", new Conv2d(2, 8, 3, 3, 1, 0, true), Graph.INPUT),
        node("b1", new BatchNorm(8, 1e-5f, 0.1f), "c1"),
        node("r1", Activation.relu(), "b1"),
        node("c2", new Conv2d(8, 8, 1, 1, 1, 0, true), "r1"),
        node("b2", new BatchNorm(8, 1e-5f, 0.1f), "c2"),
        new Graph.Node("a1", new Add(), List.of("b2", "r1")),
        node("r2", Activation.relu(), "a1"),
        node("c3", new Conv2d(8, 8, 1, 1, 1, 0, true), "r2"),
        new Graph.Node("a2", new Add(), List.of("c3", "r2")),
        node("r3", Activation.relu(), "a2"),
        node("pool", new Pool2d(Pool2d.Mode.AVG, 2, 2), "r3"),
        node("fc", new Dense(32, 10, true), "pool"))));
  }

  /**
   * Random weights, biases of both signs (so removed channels carry constants that must be
   * folded) and BatchNorm statistics as after training.
   */
  private static Model randomized(Model m, long seed) {
    Rng r = new Rng(seed);
    for (Graph.Node n : m.graph().nodes()) {
      for (Parameter p : n.layer().parameters()) {
        float[] v = p.latent().data();
        boolean gamma = p.name().equals("gamma");
        // Weights scaled by 1 / sqrt(fan-in), as by initialization, keep activations near 1.
        int fanIn = v.length / p.latent().dim(0);
        double scale = p.name().equals("weight") ? 1 / Math.sqrt(fanIn) : 0.3;
        for (int i = 0; i < v.length; i++) {
          v[i] = gamma ? 0.5f + (float) r.uniform() : (float) (r.normal() * scale);
        }
        p.refresh();
      }
      if (n.layer() instanceof BatchNorm bn) {
        for (int c = 0; c < bn.features(); c++) {
          bn.runningMean().data()[c] = (float) r.normal() * 0.2f;
          bn.runningVar().data()[c] = 0.5f + (float) r.uniform();
        }
      }
    }
    return m;
  }

  private static float[] random(long seed, int n) {
    Rng r = new Rng(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.uniform();
    }
    return x;
  }

  private static Dataset randomData(int n, int features, long seed) {
    Rng r = new Rng(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
    }
    return new Dataset("random", random(seed, n * features), y, n, new int[] {1, 28, 28}, 10);
  }
}
