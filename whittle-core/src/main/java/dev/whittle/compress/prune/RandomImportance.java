package dev.whittle.compress.prune;

import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/** Uniform random scores, one stream per layer derived from the seed and the layer's position. */
final class RandomImportance implements Importance {
  private final long seed;

  RandomImportance(long seed) {
    this.seed = seed;
  }

  @Override
  public Map<String, float[]> scores(Model model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    int layer = 0;
    for (Map.Entry<String, Parameter> e : Prunable.weights(model).entrySet()) {
      Rng rng = new Rng(Rng.derive(seed, 0x5eed, layer++));
      float[] s = new float[e.getValue().size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) rng.uniform();
      }
      Importance.respectMask(Prunable.maskOf(e.getValue()), s);
      out.put(e.getKey(), s);
    }
    return out;
  }
}
