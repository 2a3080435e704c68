package dev.whittle.train;

import dev.whittle.tensor.Tensor;

/**
 * Cross-entropy of softmax(logits) against integer labels, fused so that it is stable for any
 * logits: log softmax(z)_y = z_y - max(z) - log sum exp(z - max(z)). The gradient is (softmax(z)
 * - onehot(y)) / n.
 */
public final class SoftmaxCrossEntropy implements Loss {
  @Override
  public double compute(Tensor logits, int[] labels, Tensor grad) {
    int n = logits.dim(0);
    int k = logits.sampleSize();
    float[] z = logits.data();
    float[] g = grad.data();
    double total = 0;
    for (int i = 0; i < n; i++) {
      int base = i * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, z[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[base + j] - max);
      }
      double logSum = Math.log(sum);
      total += logSum - (z[base + labels[i]] - max);
      for (int j = 0; j < k; j++) {
        double p = Math.exp(z[base + j] - max - logSum);
        g[base + j] = (float) ((p - (j == labels[i] ? 1 : 0)) / n);
      }
    }
    return total / n;
  }
}
