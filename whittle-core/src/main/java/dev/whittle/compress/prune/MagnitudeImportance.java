package dev.whittle.compress.prune;

import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Scores |w|. */
final class MagnitudeImportance implements Importance {
  @Override
  public Map<String, float[]> scores(Model model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : Prunable.weights(model).entrySet()) {
      float[] w = e.getValue().latent().data();
      float[] s = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        s[i] = Math.abs(w[i]);
      }
      Importance.respectMask(Prunable.maskOf(e.getValue()), s);
      out.put(e.getKey(), s);
    }
    return out;
  }
}
