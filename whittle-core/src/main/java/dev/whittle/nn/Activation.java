package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Element-wise activations: ReLU, LeakyReLU(alpha), Tanh, Sigmoid. */
public final class Activation implements Layer {
  /** The function; LeakyReLU reads its slope from {@code alpha}. */
  public enum Function {
    RELU("relu"),
    LEAKY_RELU("leaky_relu"),
    TANH("tanh"),
    SIGMOID("sigmoid");

    final String kind;

    Function(String kind) {
      this.kind = kind;
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
    apply(f, alpha, input.data(), output.data(), 0, input.size());
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
    switch (f) {
      case RELU -> {
        for (int i = 0; i < g.length; i++) {
          d[i] = x[i] > 0f ? g[i] : 0f;
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < g.length; i++) {
          d[i] = x[i] >= 0f ? g[i] : alpha * g[i];
        }
      }
      case TANH -> {
        for (int i = 0; i < g.length; i++) {
          d[i] = g[i] * (1f - y[i] * y[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < g.length; i++) {
          d[i] = g[i] * y[i] * (1f - y[i]);
        }
      }
    }
    return new Tensor[] {gradIn};
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
