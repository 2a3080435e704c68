package dev.whittle.compress.prune;

import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * First-order Taylor importance of a whole channel (Molchanov et al. 2019, eq. 8): zeroing the
 * channel's weights w changes the loss by about -sum_i w_i g_i, so the score is the square of
 * that sum, computed per batch of 64 training samples in evaluation mode and averaged over the
 * batches. It scores the weights, not the activations (the 2017 paper's criterion), because
 * removing the weights is what the masked model does: the bias stays and is folded downstream.
 */
final class ChannelTaylorImportance implements ChannelImportance {
  private final Dataset data;
  private final int batches;
  private final long seed;

  ChannelTaylorImportance(Dataset data, int batches, long seed) {
    this.data = data;
    this.batches = batches;
    this.seed = seed;
  }

  @Override
  public Map<String, float[]> scores(Model model) {
    Map<String, Parameter> weights = Prunable.weights(model);
    Map<String, double[]> acc = new LinkedHashMap<>();
    weights.forEach((k, p) -> acc.put(k, new double[p.latent().dim(0)]));
    int used = GradientBatches.run(model, data, batches, seed, () -> {
      for (Map.Entry<String, Parameter> e : weights.entrySet()) {
        float[] w = e.getValue().latent().data();
        float[] g = e.getValue().grad().data();
        double[] s = acc.get(e.getKey());
        int len = w.length / s.length;
        for (int r = 0; r < s.length; r++) {
          double t = 0;
          for (int i = r * len; i < (r + 1) * len; i++) {
            t += (double) w[i] * g[i];
          }
          s[r] += t * t;
        }
      }
    });
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : acc.entrySet()) {
      double[] s = e.getValue();
      float[] f = new float[s.length];
      for (int r = 0; r < s.length; r++) {
        f[r] = (float) (s[r] / Math.max(1, used));
      }
      out.put(e.getKey(), f);
    }
    return out;
  }
}
