package dev.whittle.onnx;

import dev.whittle.nn.Activation;
import dev.whittle.nn.Add;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Dropout;
import dev.whittle.nn.Flatten;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Init;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.Pool2d;
import dev.whittle.nn.Softmax;
import dev.whittle.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/** Test models with seeded random weights and statistics. */
final class Models {
  private Models() {}

  /** Fills every parameter and BatchNorm statistic from a seed (non-trivial values). */
  static void randomize(Model m, long seed) {
    Rng rng = new Rng(seed);
    long k = 0;
    for (Graph.Node n : m.graph().nodes()) {
      for (Parameter p : n.layer().parameters()) {
        float[] d = p.latent().data();
        boolean gamma = p.name().equals("gamma");
        int fanIn = p.latent().rank() > 1 ? p.latent().size() / p.latent().dim(0) : 1;
        if (p.latent().rank() > 1) {
          Init.he(p.latent(), fanIn, Rng.derive(seed, k++));
        } else {
          for (int i = 0; i < d.length; i++) {
            d[i] = (float) (gamma ? 0.5 + rng.uniform() : (rng.uniform() - 0.5) * 0.2);
          }
        }
      }
      if (n.layer() instanceof BatchNorm bn) {
        float[] mean = bn.runningMean().data();
        float[] var = bn.runningVar().data();
        for (int i = 0; i < mean.length; i++) {
          mean[i] = (float) ((rng.uniform() - 0.5) * 0.4);
          var[i] = (float) (0.5 + rng.uniform());
        }
      }
    }
  }

  /** conv-bn-relu, a residual block of two conv-bn with an Add, pooling, a dense head. */
  static Model residual(long seed) {
    List<Graph.Node> nodes = new ArrayList<>();
    nodes.add(new Graph.Node("conv1", new Conv2d(1, 8, 3, 3, 1, 1, true), List.of("input")));
    nodes.add(new Graph.Node("bn1", new BatchNorm(8, 1e-5f, 0.1f), List.of("conv1")));
    nodes.add(new Graph.Node("relu1", Activation.relu(), List.of("bn1")));
    nodes.add(new Graph.Node("pool1", new Pool2d(Pool2d.Mode.MAX, 2, 2), List.of("relu1")));
    nodes.add(new Graph.Node("conv2", new Conv2d(8, 8, 3, 3, 1, 1, false), List.of("pool1")));
    nodes.add(new Graph.Node("bn2", new BatchNorm(8, 1e-5f, 0.1f), List.of("conv2")));
    nodes.add(new Graph.Node("relu2", Activation.relu(), List.of("bn2")));
    nodes.add(new Graph.Node("conv3", new Conv2d(8, 8, 3, 3, 1, 1, false), List.of("relu2")));
    nodes.add(new Graph.Node("bn3", new BatchNorm(8, 1e-3f, 0.1f), List.of("conv3")));
    nodes.add(new Graph.Node("add1", new Add(), List.of("pool1", "bn3")));
    nodes.add(new Graph.Node("relu3", Activation.relu(), List.of("add1")));
    nodes.add(new Graph.Node("pool2", new Pool2d(Pool2d.Mode.AVG, 2, 2), List.of("relu3")));
    nodes.add(new Graph.Node("flatten", new Flatten(), List.of("pool2")));
    nodes.add(new Graph.Node("fc1", new Dense(8 * 7 * 7, 32, true), List.of("flatten")));
    nodes.add(new Graph.Node("bn4", new BatchNorm(32, 1e-5f, 0.1f), List.of("fc1")));
    nodes.add(new Graph.Node("relu4", Activation.relu(), List.of("bn4")));
    nodes.add(new Graph.Node("fc2", new Dense(32, 10, true), List.of("relu4")));
    Model m = new Model(new Graph(new int[] {1, 28, 28}, nodes));
    randomize(m, seed);
    return m;
  }

  /**
   * Every layer kind the exporter writes: strided padded conv, average pooling, LeakyReLU,
   * Tanh, Sigmoid, Dropout, a Dense reading an image directly, a three-way Add and Softmax.
   */
  static Model everyKind(long seed) {
    List<Graph.Node> nodes = new ArrayList<>();
    nodes.add(new Graph.Node("conv1", new Conv2d(1, 4, 5, 5, 2, 2, true), List.of("input")));
    nodes.add(new Graph.Node("lrelu", new Activation(Activation.Function.LEAKY_RELU, 0.1f),
        List.of("conv1")));
    nodes.add(new Graph.Node("pool1", new Pool2d(Pool2d.Mode.AVG, 2, 2), List.of("lrelu")));
    nodes.add(new Graph.Node("drop", new Dropout(0.25f), List.of("pool1")));
    nodes.add(new Graph.Node("fc1", new Dense(4 * 7 * 7, 16, true), List.of("drop")));
    nodes.add(new Graph.Node("tanh", new Activation(Activation.Function.TANH, 0f),
        List.of("fc1")));
    nodes.add(new Graph.Node("sig", new Activation(Activation.Function.SIGMOID, 0f),
        List.of("fc1")));
    nodes.add(new Graph.Node("sum", new Add(), List.of("tanh", "sig", "fc1")));
    nodes.add(new Graph.Node("bn", new BatchNorm(16, 1e-5f, 0.1f), List.of("sum")));
    nodes.add(new Graph.Node("fc2", new Dense(16, 10, false), List.of("bn")));
    nodes.add(new Graph.Node("softmax", new Softmax(), List.of("fc2")));
    Model m = new Model(new Graph(new int[] {1, 28, 28}, nodes));
    randomize(m, seed);
    return m;
  }

  /** Zeroes the smallest {@code fraction} of each weight matrix (a magnitude prune). */
  static void prune(Model m, double fraction, long seed) {
    for (Parameter p : m.graph().parameters().values()) {
      if (p.latent().rank() < 2) {
        continue;
      }
      float[] d = p.latent().data();
      float[] abs = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        abs[i] = Math.abs(d[i]);
      }
      java.util.Arrays.sort(abs);
      float cut = abs[(int) (fraction * (abs.length - 1))];
      for (int i = 0; i < d.length; i++) {
        if (Math.abs(d[i]) <= cut) {
          d[i] = 0f;
        }
      }
    }
  }
}
