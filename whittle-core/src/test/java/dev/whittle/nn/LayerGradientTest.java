package dev.whittle.nn;

import static dev.whittle.nn.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerGradientTest {
  private static void init(Layer l, long seed) {
    for (Parameter p : l.parameters()) {
      p.latent().copyFrom(random(seed++, 0.5, p.latent().shape()));
      p.refresh();
    }
  }

  @Test
  void dense() {
    Dense d = new Dense(5, 4, true);
    init(d, 1);
    GradientCheck.layer("dense", d, random(2, 1.0, 3, 5), Context.EVAL);
  }

  @Test
  void conv2dWithStrideAndPadding() {
    Conv2d c = new Conv2d(2, 3, 3, 3, 2, 1, true);
    init(c, 3);
    GradientCheck.layer("conv2d", c, random(4, 1.0, 2, 2, 7, 6), Context.EVAL);
  }

  @Test
  void conv2dNoPadding() {
    Conv2d c = new Conv2d(1, 2, 5, 5, 1, 0, true);
    init(c, 5);
    GradientCheck.layer("conv2d 5x5", c, random(6, 1.0, 2, 1, 9, 9), Context.EVAL);
  }

  @Test
  void pooling() {
    GradientCheck.layer("maxpool", new Pool2d(Pool2d.Mode.MAX, 2, 2), random(7, 1.0, 2, 3, 6, 6),
        Context.EVAL);
    GradientCheck.layer("avgpool", new Pool2d(Pool2d.Mode.AVG, 3, 2), random(8, 1.0, 2, 2, 7, 7),
        Context.EVAL);
  }

  @Test
  void activations() {
    for (Activation.Function f : Activation.Function.values()) {
      var x = random(9, 1.0, 4, 6);
      for (int i = 0; i < x.size(); i++) {
        // Keep away from ReLU's kink at 0, where central differences are meaningless.
        x.data()[i] += Math.copySign(0.05f, x.data()[i]);
      }
      GradientCheck.layer(f.kind, new Activation(f, 0.1f), x, Context.EVAL);
    }
    GradientCheck.layer("softmax", new Softmax(), random(10, 1.0, 3, 5), Context.EVAL);
  }

  @Test
  void batchNormTrainingBothRanks() {
    BatchNorm bn1 = new BatchNorm(4, 1e-5f, 0.1f);
    init(bn1, 11);
    GradientCheck.layer("batchnorm1d", bn1, random(12, 1.0, 6, 4), Context.train(1));
    BatchNorm bn2 = new BatchNorm(3, 1e-5f, 0.1f);
    init(bn2, 13);
    GradientCheck.layer("batchnorm2d", bn2, random(14, 1.0, 2, 3, 3, 3), Context.train(1));
  }

  @Test
  void dropoutWithAFixedMask() {
    GradientCheck.layer("dropout", new Dropout(0.3f), random(15, 1.0, 4, 8), Context.train(42));
  }

  @Test
  void flatten() {
    GradientCheck.layer("flatten", new Flatten(), random(16, 1.0, 2, 2, 3, 3), Context.EVAL);
  }

  @Test
  void graphWithResidualAddAndFanOut() {
    // input -> fc1 -> relu -> fc2 ; add(fc1, fc2): fc1 feeds two layers.
    Dense fc1 = new Dense(4, 4, true);
    Dense fc2 = new Dense(4, 4, true);
    init(fc1, 17);
    init(fc2, 18);
    Graph g = new Graph(new int[] {4}, List.of(
        new Graph.Node("fc1", fc1, List.of(Graph.INPUT)),
        new Graph.Node("relu", Activation.relu(), List.of("fc1")),
        new Graph.Node("fc2", fc2, List.of("relu")),
        new Graph.Node("add", new Add(), List.of("fc1", "fc2"))));
    var x = random(19, 1.0, 3, 4);
    var out = g.forward(x, Context.EVAL);
    var r = random(20, 1.0, out.shape());
    Map<String, Parameter> ps = g.parameters();
    ps.values().forEach(Parameter::zeroGrad);
    g.backward(r);
    for (Map.Entry<String, Parameter> e : ps.entrySet()) {
      Parameter p = e.getValue();
      GradientCheck.check(e.getKey(), p.latent(), p.grad().copy(), r, () -> {
        p.refresh();
        return g.forward(x, Context.EVAL).copy();
      });
    }
  }

  @Test
  void inputGradientsOnlyBehindAParameter() {
    // input -> flatten -> probe1 -> fc1 -> probe2 -> fc2: nothing before fc1 trains, so fc1 is
    // not asked for its input gradient and probe1 sees no gradient at all.
    Dense fc1 = new Dense(12, 5, true);
    Dense fc2 = new Dense(5, 3, true);
    init(fc1, 21);
    init(fc2, 22);
    Probe probe1 = new Probe();
    Probe probe2 = new Probe();
    Graph g = new Graph(new int[] {3, 4}, List.of(
        new Graph.Node("flatten", new Flatten(), List.of(Graph.INPUT)),
        new Graph.Node("probe1", probe1, List.of("flatten")),
        new Graph.Node("fc1", fc1, List.of("probe1")),
        new Graph.Node("probe2", probe2, List.of("fc1")),
        new Graph.Node("fc2", fc2, List.of("probe2"))));
    var x = random(23, 1.0, 2, 3, 4);
    var out = g.forward(x, Context.EVAL);
    var r = random(24, 1.0, out.shape());
    Map<String, Parameter> ps = g.parameters();
    ps.values().forEach(Parameter::zeroGrad);
    g.backward(r);
    assertEquals(List.of(), probe1.asked);
    assertEquals(List.of(true), probe2.asked);
    for (Map.Entry<String, Parameter> e : ps.entrySet()) {
      Parameter p = e.getValue();
      GradientCheck.check(e.getKey(), p.latent(), p.grad().copy(), r, () -> {
        p.refresh();
        return g.forward(x, Context.EVAL).copy();
      });
    }
  }

  /** Passes its input through and records each backward call's needInputGrad. */
  private static final class Probe implements Layer {
    final List<Boolean> asked = new ArrayList<>();

    @Override
    public String kind() {
      return "probe";
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
      return inputShapes[0].clone();
    }

    @Override
    public Tensor forward(Tensor[] inputs, Context ctx) {
      return inputs[0];
    }

    @Override
    public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
      asked.add(needInputGrad);
      return new Tensor[] {needInputGrad ? gradOut : null};
    }

    @Override
    public Map<String, Object> config() {
      return Map.of();
    }
  }
}
