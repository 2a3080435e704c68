package dev.whittle.compress.prune;

import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which weights pruning touches: the weight matrices of Dense and Conv2d layers, named after
 * their layer ({@code fc1}, {@code conv2}). Biases and BatchNorm parameters are few and are
 * left alone, as in Han et al. 2015.
 */
public final class Prunable {
  private Prunable() {}

  public static Map<String, Parameter> weights(Model model) {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (Graph.Node n : model.graph().nodes()) {
      if (n.layer() instanceof Dense d) {
        m.put(n.name(), d.weight());
      } else if (n.layer() instanceof Conv2d c) {
        m.put(n.name(), c.weight());
      }
    }
    return m;
  }

  /** The mask on a parameter, or null. */
  public static Mask maskOf(Parameter p) {
    for (var c : p.constraints()) {
      if (c instanceof Mask m) {
        return m;
      }
    }
    return null;
  }

  /** Replaces any mask on {@code p} with {@code mask}, keeping other constraints in order. */
  public static void setMask(Parameter p, Mask mask) {
    var others = p.constraints().stream().filter(c -> !(c instanceof Mask)).toList();
    p.clearConstraints();
    p.addConstraint(mask);
    for (var c : others) {
      p.addConstraint(c);
    }
  }
}
