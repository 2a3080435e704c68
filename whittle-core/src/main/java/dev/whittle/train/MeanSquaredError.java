package dev.whittle.train;

import dev.whittle.tensor.Tensor;

/**
 * Mean squared error against one-hot labels: mean over the batch of sum_j (y_j - t_j)^2 / k, as
 * PyTorch's {@code mse_loss} with mean reduction over all n * k values.
 */
public final class MeanSquaredError implements Loss {
  @Override
  public double compute(Tensor outputs, int[] labels, Tensor grad) {
    int n = outputs.dim(0);
    int k = outputs.sampleSize();
    float[] y = outputs.data();
    float[] g = grad.data();
    double total = 0;
    double scale = 2.0 / ((double) n * k);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        double d = y[i * k + j] - (j == labels[i] ? 1.0 : 0.0);
        total += d * d;
        g[i * k + j] = (float) (scale * d);
      }
    }
    return total / ((double) n * k);
  }
}
