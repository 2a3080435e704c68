package dev.whittle.compress.prune;

import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * First-order Taylor importance: the loss change from removing w is about |w * dL/dw|, averaged
 * here over N batches of 64 training samples in evaluation mode (Molchanov et al. 2017).
 */
final class FirstOrderImportance implements Importance {
  private final Dataset data;
  private final int batches;
  private final long seed;

  FirstOrderImportance(Dataset data, int batches, long seed) {
    this.data = data;
    this.batches = batches;
    this.seed = seed;
  }

  @Override
  public Map<String, float[]> scores(Model model) {
    Map<String, Parameter> weights = Prunable.weights(model);
    Map<String, float[]> acc = new LinkedHashMap<>();
    weights.forEach((k, p) -> acc.put(k, new float[p.size()]));
    int used = GradientBatches.run(model, data, batches, seed, () -> {
      for (Map.Entry<String, Parameter> e : weights.entrySet()) {
        float[] w = e.getValue().latent().data();
        float[] g = e.getValue().grad().data();
        float[] s = acc.get(e.getKey());
        for (int i = 0; i < s.length; i++) {
          s[i] += Math.abs(w[i] * g[i]);
        }
      }
    });
    for (Map.Entry<String, float[]> e : acc.entrySet()) {
      float[] s = e.getValue();
      for (int i = 0; i < s.length; i++) {
        s[i] /= Math.max(1, used);
      }
      Importance.respectMask(Prunable.maskOf(weights.get(e.getKey())), s);
    }
    return acc;
  }
}
