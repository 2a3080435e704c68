package dev.whittle.compress.quantize;

import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds each BatchNorm that is the only reader of a Dense or Conv2d into that layer, before
 * quantizing, so that the integer weights are the ones the deployed model multiplies by: with
 * scale = gamma / sqrt(var + eps), w' = w * scale per output channel and b' = (b - mean) * scale +
 * beta (the same arithmetic as the compiled plan's folding). The weights' constraints (a pruning
 * mask) carry over; zeros stay zero.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  /** The model with its foldable BatchNorms folded; the model itself when it has none. */
  public static Model fold(Model model) {
    Graph g = model.graph();
    List<Graph.Node> nodes = g.nodes();
    Map<String, Integer> readers = new HashMap<>();
    for (Graph.Node n : nodes) {
      for (String in : n.inputs()) {
        readers.merge(in, 1, Integer::sum);
      }
    }
    Map<String, String> renamed = new HashMap<>();
    Map<String, Layer> replaced = new HashMap<>();
    for (int i = 0; i + 1 < nodes.size(); i++) {
      Graph.Node n = nodes.get(i);
      Graph.Node next = nodes.get(i + 1);
      boolean weighted = n.layer() instanceof Dense || n.layer() instanceof Conv2d;
      if (weighted && next.layer() instanceof BatchNorm bn && readers.getOrDefault(n.name(), 0) == 1
          && next.inputs().equals(List.of(n.name()))) {
        replaced.put(n.name(), folded(n.layer(), bn));
        renamed.put(next.name(), n.name());
      }
    }
    if (replaced.isEmpty()) {
      return model;
    }
    List<Graph.Node> out = new ArrayList<>();
    for (Graph.Node n : nodes) {
      if (renamed.containsKey(n.name())) {
        continue;
      }
      List<String> ins = new ArrayList<>();
      for (String in : n.inputs()) {
        ins.add(renamed.getOrDefault(in, in));
      }
      out.add(new Graph.Node(n.name(), replaced.getOrDefault(n.name(), n.layer()), ins));
    }
    Model m = new Model(new Graph(g.inputShape(), out));
    m.provenance().putAll(model.provenance());
    return m;
  }

  private static Layer folded(Layer l, BatchNorm bn) {
    Layer copy;
    Parameter w;
    Parameter b;
    Parameter oldW;
    Parameter oldB;
    if (l instanceof Dense d) {
      Dense nd = new Dense(d.in(), d.out(), true);
      nd.setInputQuantizer(d.inputQuantizer());
      copy = nd;
      w = nd.weight();
      b = nd.bias();
      oldW = d.weight();
      oldB = d.bias();
    } else {
      Conv2d c = (Conv2d) l;
      Conv2d nc = new Conv2d(c.inChannels(), c.outChannels(), c.kernelH(), c.kernelW(), c.stride(),
          c.pad(), true);
      nc.setInputQuantizer(c.inputQuantizer());
      copy = nc;
      w = nc.weight();
      b = nc.bias();
      oldW = c.weight();
      oldB = c.bias();
    }
    int outs = bn.features();
    float[] g = bn.gamma().value().data();
    float[] beta = bn.beta().value().data();
    float[] mean = bn.runningMean().data();
    float[] var = bn.runningVar().data();
    float[] wv = w.latent().data();
    System.arraycopy(oldW.latent().data(), 0, wv, 0, wv.length);
    float[] bv = b.latent().data();
    int per = wv.length / outs;
    for (int o = 0; o < outs; o++) {
      float scale = g[o] / (float) Math.sqrt(var[o] + bn.eps());
      for (int q = o * per; q < (o + 1) * per; q++) {
        wv[q] *= scale;
      }
      float b0 = oldB == null ? 0f : oldB.latent().data()[o];
      bv[o] = b0 * scale + (beta[o] - mean[o] * scale);
    }
    for (Constraint c : oldW.constraints()) {
      w.addConstraint(c);
    }
    w.refresh();
    return copy;
  }
}
