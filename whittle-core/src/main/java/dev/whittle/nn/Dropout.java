package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inverted dropout: in training each value is zeroed with probability p and the rest are scaled
 * by 1 / (1 - p); evaluation passes values through. The mask comes from the step's seed.
 */
public final class Dropout implements Layer {
  private final float p;
  private float[] scale; // per element: 0 or 1 / (1 - p)
  private Tensor output;
  private Tensor gradIn;
  private boolean active;

  public Dropout(float p) {
    if (!(p >= 0f && p < 1f)) {
      throw new InputException("dropout probability must be in [0, 1), got " + p);
    }
    this.p = p;
  }

  public float p() {
    return p;
  }

  @Override
  public String kind() {
    return "dropout";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    return inputShapes[0].clone();
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    active = ctx.training() && p > 0f;
    if (!active) {
      return x;
    }
    output = Tensor.reuse(output, x.shape());
    if (scale == null || scale.length != x.size()) {
      scale = new float[x.size()];
    }
    Rng rng = new Rng(ctx.seed());
    float keep = 1f / (1f - p);
    float[] in = x.data();
    float[] out = output.data();
    for (int i = 0; i < in.length; i++) {
      scale[i] = rng.uniform() < p ? 0f : keep;
      out[i] = in[i] * scale[i];
    }
    return output;
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    if (!active || !needInputGrad) {
      return new Tensor[] {needInputGrad ? gradOut : null};
    }
    gradIn = Tensor.reuse(gradIn, gradOut.shape());
    float[] g = gradOut.data();
    float[] d = gradIn.data();
    for (int i = 0; i < g.length; i++) {
      d[i] = g[i] * scale[i];
    }
    return new Tensor[] {gradIn};
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("p", (double) p);
    return c;
  }
}
