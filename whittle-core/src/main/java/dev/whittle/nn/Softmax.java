package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Softmax over the last axis of (n, k). Training reads logits with the fused, numerically
 * stable cross-entropy instead; this layer is for models that must output probabilities.
 */
public final class Softmax implements Layer {
  private Tensor output;
  private Tensor gradIn;

  @Override
  public String kind() {
    return "softmax";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    return inputShapes[0].clone();
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    output = Tensor.reuse(output, x.shape());
    int n = x.dim(0);
    rows(x.data(), output.data(), n, x.sampleSize());
    return output;
  }

  /** Row-wise softmax with the maximum subtracted first, so large logits cannot overflow. */
  public static void rows(float[] in, float[] out, int n, int k) {
    for (int i = 0; i < n; i++) {
      int base = i * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, in[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        double e = Math.exp(in[base + j] - max);
        out[base + j] = (float) e;
        sum += e;
      }
      float inv = (float) (1.0 / sum);
      for (int j = 0; j < k; j++) {
        out[base + j] *= inv;
      }
    }
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    if (!needInputGrad) {
      return new Tensor[] {null};
    }
    gradIn = Tensor.reuse(gradIn, gradOut.shape());
    float[] g = gradOut.data();
    float[] y = output.data();
    float[] d = gradIn.data();
    int n = gradOut.dim(0);
    int k = gradOut.sampleSize();
    for (int i = 0; i < n; i++) {
      int base = i * k;
      double dot = 0;
      for (int j = 0; j < k; j++) {
        dot += g[base + j] * (double) y[base + j];
      }
      for (int j = 0; j < k; j++) {
        d[base + j] = (float) (y[base + j] * (g[base + j] - dot));
      }
    }
    return new Tensor[] {gradIn};
  }

  @Override
  public Map<String, Object> config() {
    return Map.of();
  }
}
