package dev.whittle.compress.lowrank;

import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces layers by their rank-r factors. With W (rows, cols) = U S V^T, a layer becomes a
 * first layer with weight sqrt(S_r) V_r^T (r, cols) and no bias, then a second with weight U_r
 * sqrt(S_r) (rows, r) and the original bias:
 *
 * <ul>
 *   <li>Dense(in, out) becomes Dense(in, r) then Dense(r, out);
 *   <li>Conv2d(ic, oc, kh x kw, stride, pad) becomes Conv2d(ic, r, kh x kw, stride, pad) then a
 *       1x1 Conv2d(r, oc) (Jaderberg et al. 2014, scheme 2, with the first factor kept whole).
 * </ul>
 *
 * <p>The second layer keeps the original name, so the layers that read it, per-layer options
 * and reports still find it; the first is named {@code NAME_a} ({@code NAME_a2}, ... if taken).
 * Multiply-adds go from rows x cols to r x (rows + cols) per output position.
 */
final class LowRankRewrite {
  private LowRankRewrite() {}

  /** The decomposition of one layer and the rank it keeps. */
  record Factors(Svd svd, int rank) {}

  /**
   * A new model in which each layer named in {@code factors} is replaced by its two factors, at
   * whatever rank is given (the caller decides whether that saves anything). Other layers are
   * the same instances as in {@code model}; the provenance is copied.
   */
  static Model rewrite(Model model, Map<String, Factors> factors) {
    Set<String> used = new HashSet<>();
    model.graph().nodes().forEach(n -> used.add(n.name()));
    List<Graph.Node> nodes = new ArrayList<>();
    for (Graph.Node n : model.graph().nodes()) {
      Factors f = factors.get(n.name());
      if (f == null) {
        nodes.add(n);
        continue;
      }
      String first = n.name() + "_a";
      for (int i = 2; used.contains(first); i++) {
        first = n.name() + "_a" + i;
      }
      used.add(first);
      Layer[] pair = n.layer() instanceof Dense d ? dense(d, f) : conv((Conv2d) n.layer(), f);
      nodes.add(new Graph.Node(first, pair[0], n.inputs()));
      nodes.add(new Graph.Node(n.name(), pair[1], List.of(first)));
    }
    Model m = new Model(new Graph(model.graph().inputShape(), nodes));
    m.provenance().putAll(model.provenance());
    return m;
  }

  private static Layer[] dense(Dense d, Factors f) {
    int r = f.rank();
    Dense a = new Dense(d.in(), r, false);
    Dense b = new Dense(r, d.out(), d.bias() != null);
    fill(a.weight(), f.svd().rightFactor(r));
    fill(b.weight(), f.svd().leftFactor(r));
    copyBias(d.bias(), b.bias());
    return new Layer[] {a, b};
  }

  private static Layer[] conv(Conv2d c, Factors f) {
    int r = f.rank();
    Conv2d a = new Conv2d(c.inChannels(), r, c.kernelH(), c.kernelW(), c.stride(), c.pad(), false);
    Conv2d b = new Conv2d(r, c.outChannels(), 1, 1, 1, 0, c.bias() != null);
    fill(a.weight(), f.svd().rightFactor(r)); // (r, ic * kh * kw) is (r, ic, kh, kw)
    fill(b.weight(), f.svd().leftFactor(r)); // (oc, r) is (oc, r, 1, 1)
    copyBias(c.bias(), b.bias());
    return new Layer[] {a, b};
  }

  private static void fill(Parameter p, float[] values) {
    System.arraycopy(values, 0, p.latent().data(), 0, values.length);
    p.refresh();
  }

  private static void copyBias(Parameter from, Parameter to) {
    if (from != null) {
      fill(to, from.value().data());
    }
  }
}
