package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unstructured pruning: ranks weights by an {@link Importance} and attaches a {@link Mask} to
 * each prunable layer. A weight pruned before stays pruned.
 */
public final class Pruner {
  private Pruner() {}

  /** Prunes in place and returns the sparsity reached per layer. */
  public static Map<String, Double> prune(Model model, Importance importance, PruneSpec spec,
      String method) {
    Map<String, Parameter> weights = Prunable.weights(model);
    for (String name : spec.overrides().keySet()) {
      if (!weights.containsKey(name)) {
        throw new InputException("--sparsity: the model has no prunable layer '" + name
            + "'; its prunable layers are " + String.join(", ", weights.keySet()));
      }
    }
    Map<String, float[]> scores = importance.scores(model);
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    for (String name : weights.keySet()) {
      Double s = spec.overrides().get(name);
      if (s != null) {
        keep.put(name, Thresholds.keep(scores.get(name), s));
      } else {
        rest.add(name);
      }
    }
    if (spec.global() && !rest.isEmpty()) {
      List<float[]> rs = new ArrayList<>();
      for (String name : rest) {
        rs.add(scores.get(name));
      }
      boolean[][] k = Thresholds.keepGlobal(rs, spec.sparsity());
      for (int i = 0; i < rest.size(); i++) {
        keep.put(rest.get(i), k[i]);
      }
    } else {
      for (String name : rest) {
        keep.put(name, Thresholds.keep(scores.get(name), spec.sparsity()));
      }
    }
    Map<String, Double> reached = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
      Parameter p = e.getValue();
      boolean[] k = keep.get(e.getKey());
      Mask old = Prunable.maskOf(p);
      if (old != null) {
        for (int i = 0; i < k.length; i++) {
          k[i] &= old.kept(i);
        }
      }
      Mask m = new Mask(k, method);
      Prunable.setMask(p, m);
      reached.put(e.getKey(), m.sparsity());
    }
    return reached;
  }

  /** Sparsity over all prunable weights. */
  public static double sparsity(Model model) {
    long total = 0;
    long zeros = 0;
    for (Parameter p : Prunable.weights(model).values()) {
      for (float v : p.value().data()) {
        total++;
        if (v == 0f) {
          zeros++;
        }
      }
    }
    return total == 0 ? 0 : (double) zeros / total;
  }
}
