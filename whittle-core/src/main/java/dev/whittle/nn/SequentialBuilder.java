package dev.whittle.nn;

import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a chain of layers, tracking the shape and naming layers as people do ({@code conv1},
 * {@code pool1}, {@code fc1}, {@code relu1}), and initializes weights from a seed: He for layers
 * followed by ReLU, Glorot for the output layer.
 */
public final class SequentialBuilder {
  private final int[] inputShape;
  private final long seed;
  private final Map<String, Layer> layers = new LinkedHashMap<>();
  private final Map<String, Integer> counters = new LinkedHashMap<>();
  private int[] shape;
  private int weightLayers;

  public SequentialBuilder(int[] inputShape, long seed) {
    this.inputShape = inputShape.clone();
    this.shape = inputShape.clone();
    this.seed = seed;
  }

  public int[] shape() {
    return shape.clone();
  }

  private String name(String prefix) {
    int n = counters.merge(prefix, 1, Integer::sum);
    return prefix + n;
  }

  private SequentialBuilder add(String name, Layer layer) {
    shape = layer.outputShape(new int[][] {shape});
    layers.put(name, layer);
    return this;
  }

  /** A dense layer; {@code reluFollows} picks He initialization, else Glorot. */
  public SequentialBuilder dense(int out, boolean reluFollows) {
    if (shape.length != 1) {
      add("flatten", new Flatten());
    }
    int in = shape[0];
    Dense d = new Dense(in, out, true);
    long s = Rng.derive(seed, weightLayers++);
    if (reluFollows) {
      Init.he(d.weight().latent(), in, s);
    } else {
      Init.glorot(d.weight().latent(), in, out, s);
    }
    return add(name("fc"), d);
  }

  public SequentialBuilder conv(int out, int k, int stride, int pad) {
    if (shape.length != 3) {
      throw new dev.whittle.InputException(
          "a convolution needs an image input (c, h, w), got " + Shapes.format(shape));
    }
    Conv2d c = new Conv2d(shape[0], out, k, k, stride, pad, true);
    Init.he(c.weight().latent(), shape[0] * k * k, Rng.derive(seed, weightLayers++));
    return add(name("conv"), c);
  }

  public SequentialBuilder relu() {
    return add(name("relu"), Activation.relu());
  }

  public SequentialBuilder maxPool(int k) {
    return add(name("pool"), new Pool2d(Pool2d.Mode.MAX, k, k));
  }

  public SequentialBuilder avgPool(int k) {
    return add(name("pool"), new Pool2d(Pool2d.Mode.AVG, k, k));
  }

  public SequentialBuilder batchNorm() {
    return add(name("bn"), new BatchNorm(shape[0], 1e-5f, 0.1f));
  }

  public SequentialBuilder dropout(float p) {
    return add(name("drop"), new Dropout(p));
  }

  public Model build() {
    return new Model(Graph.sequential(inputShape, layers));
  }
}
