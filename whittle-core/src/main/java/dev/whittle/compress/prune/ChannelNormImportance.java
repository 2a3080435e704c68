package dev.whittle.compress.prune;

import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The L1 or L2 norm of each output row (a Dense row (in) or a Conv2d filter (ic, kh, kw)),
 * divided by the row's length or its square root: the mean |w| or the root mean square. Within a
 * layer this ranks as the plain norm does; across layers (global scope, or the members of a
 * residual group) it keeps a layer with a large fan-in from outranking one with a small fan-in
 * only because its rows are longer.
 */
final class ChannelNormImportance implements ChannelImportance {
  private final int p;

  ChannelNormImportance(int p) {
    this.p = p;
  }

  @Override
  public Map<String, float[]> scores(Model model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : Prunable.weights(model).entrySet()) {
      float[] w = e.getValue().latent().data();
      int rows = e.getValue().latent().dim(0);
      int len = w.length / rows;
      float[] s = new float[rows];
      for (int r = 0; r < rows; r++) {
        double acc = 0;
        for (int i = r * len; i < (r + 1) * len; i++) {
          acc += p == 1 ? Math.abs(w[i]) : (double) w[i] * w[i];
        }
        s[r] = (float) (p == 1 ? acc / len : Math.sqrt(acc / len));
      }
      out.put(e.getKey(), s);
    }
    return out;
  }
}
