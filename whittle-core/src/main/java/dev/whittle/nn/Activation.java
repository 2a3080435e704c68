package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.kernel.Parallel;
import dev.whittle.kernel.VectorOps;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Element-wise activations: ReLU, LeakyReLU(alpha), Tanh, Sigmoid. The training passes split
 * large tensors over the kernel threads by index ranges, so their results do not depend on the
 * thread count.
 */
public final class Activation implements Layer {
  /** The function; LeakyReLU reads its slope from {@code alpha}. */
  public enum Function {
    RELU("relu", 1 << 14),
    LEAKY_RELU("leaky_relu", 1 << 13),
    TANH("tanh", 1 << 9),
    SIGMOID("sigmoid", 1 << 10);

    final String kind;
    /**
     * Elements per thread below which the forward pass runs on the calling thread alone (a few
     * microseconds of work): about 0.1 ns each for ReLU, 1 for LeakyReLU, 7 for the sigmoid and
     * 18 for tanh.
     */
    final int forwardParallelElements;

    Function(String kind, int forwardParallelElements) {
      this.kind = kind;
      this.forwardParallelElements = forwardParallelElements;
    }

    static Function ofKind(String kind) {
      for (Function f : values()) {
        if (f.kind.equals(kind)) {
          return f;
        }
      }
      throw new InputException("unknown activation '" + kind + "'");
    }
  }

  /**
   * Elements per thread below which the backward pass runs on the calling thread alone: every
   * function's derivative is a select or two multiplies, at most about a nanosecond per element.
   */
  static final int BACKWARD_PARALLEL_ELEMENTS = 1 << 14;

  private final Function f;
  private final float alpha;
  private Tensor input;
  private Tensor output;
  private Tensor gradIn;

  public Activation(Function f, float alpha) {
    this.f = f;
    this.alpha = alpha;
  }

  public static Activation relu() {
    return new Activation(Function.RELU, 0f);
  }

  public Function function() {
    return f;
  }

  public float alpha() {
    return alpha;
  }

  @Override
  public String kind() {
    return f.kind;
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    return inputShapes[0].clone();
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    input = inputs[0];
    output = Tensor.reuse(output, input.shape());
    float[] x = input.data();
    float[] y = output.data();
    Parallel.forElements(x.length, f.forwardParallelElements,
        (from, to) -> apply(f, alpha, x, y, from, to - from));
    return output;
  }

  /**
   * y[off..off+len) = f(x[off..off+len)); {@code x} may be {@code y} (the plan applies
   * activations in place, fused after a layer's kernel). Thread-safe.
   */
  public static void apply(Function f, float alpha, float[] x, float[] y, int off, int len) {
    int end = off + len;
    switch (f) {
      case RELU -> {
        for (int i = off; i < end; i++) {
          y[i] = Math.max(x[i], 0f);
        }
      }
      case LEAKY_RELU -> {
        for (int i = off; i < end; i++) {
          y[i] = x[i] >= 0f ? x[i] : alpha * x[i];
        }
      }
      case TANH -> {
        for (int i = off; i < end; i++) {
          y[i] = (float) Math.tanh(x[i]);
        }
      }
      case SIGMOID -> {
        for (int i = off; i < end; i++) {
          y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
        }
      }
    }
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    if (!needInputGrad) {
      return new Tensor[] {null};
    }
    gradIn = Tensor.reuse(gradIn, input.shape());
    float[] g = gradOut.data();
    float[] x = input.data();
    float[] y = output.data();
    float[] d = gradIn.data();
    Parallel.forElements(g.length, BACKWARD_PARALLEL_ELEMENTS,
        (from, to) -> backward(g, x, y, d, from, to));
    return new Tensor[] {gradIn};
  }

  /** d = f'(x) g over [from, to), from the input x or the output y. */
  private void backward(float[] g, float[] x, float[] y, float[] d, int from, int to) {
    switch (f) {
      case RELU -> VectorOps.reluBackward(x, g, d, from, to - from);
      case LEAKY_RELU -> {
        for (int i = from; i < to; i++) {
          d[i] = x[i] >= 0f ? g[i] : alpha * g[i];
        }
      }
      case TANH -> {
        for (int i = from; i < to; i++) {
          d[i] = g[i] * (1f - y[i] * y[i]);
        }
      }
      case SIGMOID -> {
        for (int i = from; i < to; i++) {
          d[i] = g[i] * y[i] * (1f - y[i]);
        }
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    if (f == Function.LEAKY_RELU) {
      c.put("alpha", (double) alpha);
    }
    return c;
  }
}
