package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Context;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Layers;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a model for a {@link ChannelSelection}. The masked model is the same graph with the
 * removed channels' weight rows set to zero. There a removed channel still carries a value that
 * no longer depends on the input: its bias, through BatchNorm, activations, pooling and Adds.
 * The slim model drops the rows, the matching BatchNorm features and the matching inputs of
 * each reader, and adds that constant, times the dropped input weights, to the reader's bias,
 * so that it computes what the masked model computes. The constants are read from one forward
 * pass of the masked model on a zero input.
 *
 * <p>The fold is exact for Dense readers and for Conv2d readers without padding. A Conv2d
 * reader with padding sees zeros instead of the constant at its borders, so there the slim
 * model equals the masked model in the interior only; fine-tuning absorbs the difference.
 */
final class StructuredRewrite {
  private StructuredRewrite() {}

  static Model masked(Model model, ChannelSelection sel) {
    List<Graph.Node> nodes = new ArrayList<>();
    for (Graph.Node n : model.graph().nodes()) {
      Layer copy = copy(n.name(), n.layer());
      int g = sel.groupOf(n.name());
      if (g >= 0 && sel.cuts(g)) {
        Parameter w = copy instanceof Dense d ? d.weight() : ((Conv2d) copy).weight();
        float[] v = w.latent().data();
        boolean[] keep = sel.keep().get(g);
        int len = v.length / keep.length;
        for (int c = 0; c < keep.length; c++) {
          if (!keep[c]) {
            java.util.Arrays.fill(v, c * len, (c + 1) * len, 0f);
          }
        }
        w.refresh();
      }
      nodes.add(new Graph.Node(n.name(), copy, n.inputs()));
    }
    return withProvenance(new Graph(model.graph().inputShape(), nodes), model);
  }

  static Model slim(Model model, ChannelSelection sel) {
    Graph graph = model.graph();
    Map<String, Integer> followerOf = new HashMap<>();
    Map<String, Integer> readerOf = new HashMap<>();
    for (int i = 0; i < sel.groups().size(); i++) {
      if (sel.cuts(i)) {
        for (String f : sel.groups().get(i).followers()) {
          followerOf.put(f, i);
        }
        for (String r : sel.groups().get(i).consumers()) {
          readerOf.put(r, i);
        }
      }
    }
    Model masked = readerOf.isEmpty() ? null : masked(model, sel);
    List<Graph.Node> nodes = new ArrayList<>();
    List<Graph.Node> old = graph.nodes();
    for (int i = 0; i < old.size(); i++) {
      Graph.Node n = old.get(i);
      Layer l = n.layer();
      int g = sel.groupOf(n.name());
      boolean[] outKeep = g >= 0 && sel.cuts(g) ? sel.keep().get(g) : null;
      Integer r = readerOf.get(n.name());
      boolean[] inKeep = r != null ? sel.keep().get(r) : null;
      float[] constant = r != null ? activation(masked, n.inputs().get(0)) : null;
      Layer slim;
      if (l instanceof Dense d && (outKeep != null || inKeep != null)) {
        slim = dense(n.name(), d, outKeep, inKeep, constant);
      } else if (l instanceof Conv2d c && (outKeep != null || inKeep != null)) {
        slim = conv(n.name(), c, outKeep, inKeep, constant);
      } else if (l instanceof BatchNorm bn && followerOf.containsKey(n.name())) {
        slim = batchNorm(n.name(), bn, sel.keep().get(followerOf.get(n.name())));
      } else {
        slim = copy(n.name(), l);
      }
      nodes.add(new Graph.Node(n.name(), slim, n.inputs()));
    }
    return withProvenance(new Graph(graph.inputShape(), nodes), model);
  }

  private static int indexOf(Graph g, String name) {
    for (int i = 0; i < g.nodes().size(); i++) {
      if (g.nodes().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("no layer " + name);
  }

  private static Model withProvenance(Graph g, Model from) {
    Model m = new Model(g);
    m.provenance().putAll(from.provenance());
    return m;
  }

  /** The per-sample output of a node of {@code m} on a zero input. */
  private static float[] activation(Model m, String node) {
    Graph g = m.graph();
    Graph head = new Graph(g.inputShape(), g.nodes().subList(0, indexOf(g, node) + 1));
    return head.forward(Tensor.zeros(Shapes.batched(1, g.inputShape())), Context.EVAL).data()
        .clone();
  }

  private static Layer dense(String name, Dense d, boolean[] outKeep, boolean[] inKeep,
      float[] constant) {
    int[] outs = indices(outKeep, d.out(), 1);
    int[] ins = indices(inKeep, d.in(), inKeep == null ? 1 : d.in() / inKeep.length);
    int in = d.in();
    float[] w = d.weight().latent().data();
    double[] fold = new double[outs.length];
    if (constant != null) {
      int[] dropped = complement(ins, in);
      for (int o = 0; o < outs.length; o++) {
        for (int col : dropped) {
          fold[o] += (double) w[outs[o] * in + col] * constant[col];
        }
      }
    }
    Dense s = new Dense(ins.length, outs.length, d.bias() != null || nonZero(fold));
    int[] src = new int[outs.length * ins.length];
    for (int o = 0; o < outs.length; o++) {
      for (int k = 0; k < ins.length; k++) {
        src[o * ins.length + k] = outs[o] * in + ins[k];
      }
    }
    gather(name, d.weight(), s.weight(), src);
    bias(name, d.bias(), s.bias(), outs, fold);
    return s;
  }

  private static Layer conv(String name, Conv2d c, boolean[] outKeep, boolean[] inKeep,
      float[] constant) {
    int[] outs = indices(outKeep, c.outChannels(), 1);
    int[] ins = indices(inKeep, c.inChannels(), 1);
    int ic = c.inChannels();
    int area = c.kernelH() * c.kernelW();
    float[] w = c.weight().latent().data();
    double[] fold = new double[outs.length];
    if (constant != null) {
      int plane = constant.length / ic; // the reader's input is (ic, h, w)
      for (int j : complement(ins, ic)) {
        for (int o = 0; o < outs.length; o++) {
          double sum = 0;
          for (int t = 0; t < area; t++) {
            sum += w[(outs[o] * ic + j) * area + t];
          }
          fold[o] += sum * constant[j * plane];
        }
      }
    }
    Conv2d s = new Conv2d(ins.length, outs.length, c.kernelH(), c.kernelW(), c.stride(), c.pad(),
        c.bias() != null || nonZero(fold));
    int[] src = new int[outs.length * ins.length * area];
    for (int o = 0; o < outs.length; o++) {
      for (int k = 0; k < ins.length; k++) {
        for (int t = 0; t < area; t++) {
          src[(o * ins.length + k) * area + t] = (outs[o] * ic + ins[k]) * area + t;
        }
      }
    }
    gather(name, c.weight(), s.weight(), src);
    bias(name, c.bias(), s.bias(), outs, fold);
    return s;
  }

  private static Layer batchNorm(String name, BatchNorm bn, boolean[] keep) {
    int[] idx = indices(keep, bn.features(), bn.features() / keep.length);
    Map<String, Object> cfg = new LinkedHashMap<>(bn.config());
    cfg.put("features", (long) idx.length);
    BatchNorm s = (BatchNorm) Layers.create(bn.kind(), cfg);
    gather(name, bn.gamma(), s.gamma(), idx);
    gather(name, bn.beta(), s.beta(), idx);
    for (Map.Entry<String, Tensor> b : bn.buffers().entrySet()) {
      float[] from = b.getValue().data();
      float[] to = s.buffers().get(b.getKey()).data();
      for (int k = 0; k < idx.length; k++) {
        to[k] = from[idx[k]];
      }
    }
    return s;
  }

  /** A fresh layer of the same kind and settings with the same parameters and buffers. */
  private static Layer copy(String name, Layer l) {
    Layer c = Layers.create(l.kind(), l.config());
    List<Parameter> from = l.parameters();
    List<Parameter> to = c.parameters();
    for (int p = 0; p < from.size(); p++) {
      int[] idx = new int[from.get(p).size()];
      for (int k = 0; k < idx.length; k++) {
        idx[k] = k;
      }
      gather(name, from.get(p), to.get(p), idx);
    }
    for (Map.Entry<String, Tensor> b : l.buffers().entrySet()) {
      c.buffers().get(b.getKey()).copyFrom(b.getValue());
    }
    return c;
  }

  /** to[k] = from[src[k]], for the latent values and any pruning mask. */
  private static void gather(String layer, Parameter from, Parameter to, int[] src) {
    float[] f = from.latent().data();
    float[] t = to.latent().data();
    for (int k = 0; k < src.length; k++) {
      t[k] = f[src[k]];
    }
    for (Constraint c : from.constraints()) {
      if (!(c instanceof Mask m)) {
        throw new InputException("layer " + layer + ": structured pruning rebuilds "
            + from.name() + " and cannot carry its '" + c.kind() + "' constraint; prune"
            + " structurally first, then quantize or share");
      }
      boolean[] keep = new boolean[src.length];
      for (int k = 0; k < src.length; k++) {
        keep[k] = m.kept(src[k]);
      }
      Object method = m.config().get("method");
      to.addConstraint(new Mask(keep, method instanceof String s ? s : "unknown"));
    }
    to.refresh();
  }

  private static void bias(String layer, Parameter from, Parameter to, int[] outs, double[] fold) {
    if (to == null) {
      return;
    }
    if (from != null) {
      gather(layer, from, to, outs);
    }
    float[] b = to.latent().data();
    for (int o = 0; o < outs.length; o++) {
      b[o] = (float) (b[o] + fold[o]);
    }
    to.refresh();
  }

  /** Positions kept when channel c spans positions [c * block, (c + 1) * block). */
  private static int[] indices(boolean[] keep, int n, int block) {
    if (keep == null) {
      int[] all = new int[n];
      for (int k = 0; k < n; k++) {
        all[k] = k;
      }
      return all;
    }
    int count = 0;
    for (boolean b : keep) {
      count += b ? block : 0;
    }
    int[] idx = new int[count];
    int k = 0;
    for (int c = 0; c < keep.length; c++) {
      for (int t = 0; keep[c] && t < block; t++) {
        idx[k++] = c * block + t;
      }
    }
    return idx;
  }

  private static int[] complement(int[] kept, int n) {
    boolean[] in = new boolean[n];
    for (int k : kept) {
      in[k] = true;
    }
    int[] out = new int[n - kept.length];
    int j = 0;
    for (int k = 0; k < n; k++) {
      if (!in[k]) {
        out[j++] = k;
      }
    }
    return out;
  }

  private static boolean nonZero(double[] v) {
    for (double x : v) {
      if (x != 0) {
        return true;
      }
    }
    return false;
  }
}
