package dev.whittle.plan;

import dev.whittle.InputException;
import dev.whittle.nn.Activation;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Pool2d;
import dev.whittle.tensor.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a model's graph into plan steps. A Dense or Conv2d absorbs a BatchNorm and then an
 * activation that follow it when it is their only input and they its only reader; Flatten and
 * Dropout (evaluation mode) become aliases of their input.
 */
final class PlanCompiler {
  private final Graph graph;
  private final List<Graph.Node> nodes;
  private final int[] readers; // per node: how many nodes read it
  private final Map<String, Integer> slot = new HashMap<>(); // node name -> step index (-1 input)
  private final List<Plan.Step> steps = new ArrayList<>();

  private PlanCompiler(Graph graph) {
    this.graph = graph;
    this.nodes = graph.nodes();
    this.readers = new int[nodes.size()];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
    }
    for (Graph.Node n : nodes) {
      for (String in : n.inputs()) {
        if (index.containsKey(in)) {
          readers[index.get(in)]++;
        }
      }
    }
    slot.put(Graph.INPUT, -1);
  }

  static Plan compile(Model model) {
    PlanCompiler c = new PlanCompiler(model.graph());
    c.run();
    Graph g = model.graph();
    String last = g.nodes().get(g.nodes().size() - 1).name();
    return new Plan(g.inputShape(), c.steps, c.slot.get(last));
  }

  /** The node after i when it reads only node i and node i has no other reader, else -1. */
  private int soleReader(int i) {
    int j = i + 1;
    if (j >= nodes.size() || readers[i] != 1) {
      return -1;
    }
    List<String> in = nodes.get(j).inputs();
    return in.size() == 1 && in.get(0).equals(nodes.get(i).name()) ? j : -1;
  }

  private void run() {
    for (int i = 0; i < nodes.size(); i++) {
      Graph.Node node = nodes.get(i);
      Layer layer = node.layer();
      int[] in = inputs(node);
      int[] inShape = graph.inputShapes(i)[0];
      int size = (int) Shapes.size(graph.outputShape(i));
      switch (layer) {
        case Dense d when integer(d.inputQuantizer(), d.weight()) ->
            i = integerWeighted(i, in, d.weight(), d.bias(), d.out(), d.inputQuantizer(),
                (iw, ints, sc, b, e, codes) -> codes.sign()
                    && quantized(d.weight()).form() == QuantizedWeights.Form.SIGN
                    ? new XnorDenseOp(d.in(), d.out(), ints, sc, b, e)
                    : quantDense(d.in(), d.out(), iw, ints, sc, b, e, codes));
        case Dense d when d.inputQuantizer() == null && twoLevel(d.weight()) ->
            i = weighted(i, in, d.weight().value().data().clone(), bias(d.bias(), d.out()),
                d.out(), 1, (w, b, e, last) -> {
                  Op op = BinaryDenseOp.of(d.in(), d.out(), w, b, e);
                  return op != null ? op : dense(d.in(), d.out(), w, b, e);
                });
        case Conv2d c when integer(c.inputQuantizer(), c.weight())
            && !(c.inputQuantizer() instanceof dev.whittle.compress.quantize.SignInput) -> {
          int[] outShape = graph.outputShape(i);
          i = integerWeighted(i, in, c.weight(), c.bias(), c.outChannels(), c.inputQuantizer(),
              (iw, ints, sc, b, e, codes) -> new QuantConvOp(inShape, outShape, c.kernelH(), c.kernelW(),
                  c.stride(), c.pad(), iw, sc, b, e, codes));
        }
        case Dense d -> i = weighted(i, in, d.weight().value().data().clone(), bias(d.bias(), d.out()),
            d.out(), 1, (w, b, e, last) -> CodebookDenseOp.orFloats(
                dense(d.in(), d.out(), w, b, e), d.in(), d.out(), w, b, e));
        case Conv2d c -> {
          int[] outShape = graph.outputShape(i);
          int spatial = outShape[1] * outShape[2];
          i = weighted(i, in, c.weight().value().data().clone(), bias(c.bias(), c.outChannels()),
              c.outChannels(), spatial, (w, b, e, last) -> new ConvOp(inShape,
                  outShape, c.kernelH(), c.kernelW(), c.stride(), c.pad(), w, b, e));
        }
        case BatchNorm bn -> {
          float[][] ss = scaleShift(bn);
          int j = soleReader(i);
          Epilogue e = j >= 0 ? epilogue(nodes.get(j).layer()) : null;
          int spatial = size / bn.features();
          add(node.name(), ElementOps.affine(ss[0], ss[1], spatial, e), in, size);
          if (e != null) {
            slot.put(nodes.get(j).name(), steps.size() - 1);
            i = j;
          }
        }
        case Activation a -> add(node.name(), ElementOps.activation(new Epilogue(a.function(), a.alpha()), size), in, size);
        case Pool2d p -> add(node.name(), ElementOps.pool(p.mode(), inShape, p.kernel(), p.stride()), in, size);
        case dev.whittle.nn.Add a -> add(node.name(), ElementOps.add(size), in, size);
        case dev.whittle.nn.Softmax s -> add(node.name(), ElementOps.softmax(size), in, size);
        case dev.whittle.nn.Flatten f -> slot.put(node.name(), in[0]);
        case dev.whittle.nn.Dropout d -> slot.put(node.name(), in[0]);
        default -> throw new InputException("cannot compile layer '" + node.name() + "' of kind "
            + layer.kind());
      }
    }
  }

  /** Builds an integer op from its integer weights, scales and bias. */
  @FunctionalInterface
  private interface IntegerFactory {
    Op make(IntWeights w, int[] integers, float[] scale, float[] bias, Epilogue e,
        InputCodes codes);
  }

  /** Whether a layer runs on integers: a compilable input quantizer and integer weights. */
  private static boolean integer(InputQuantizer q, Parameter weight) {
    QuantizedWeights w = quantized(weight);
    return InputCodes.supported(q) && w != null && w.exact();
  }

  /** Whether a weight is binary or 0/1 (two values per output row). */
  private static boolean twoLevel(Parameter weight) {
    QuantizedWeights w = quantized(weight);
    return w != null && (w.form() == QuantizedWeights.Form.SIGN
        || w.form() == QuantizedWeights.Form.LOGIC);
  }

  private static QuantizedWeights quantized(Parameter p) {
    return p.constraint(QuantizedWeights.class);
  }

  /**
   * An integer Dense or Conv at node i. A following BatchNorm is not folded (it would change the
   * integers); a following activation is fused.
   */
  private int integerWeighted(int i, int[] in, Parameter weight, Parameter bias, int outs,
      InputQuantizer q, IntegerFactory f) {
    QuantizedWeights qw = quantized(weight);
    float[] v = weight.value().data();
    int per = v.length / outs;
    int[] codes = new int[v.length];
    int[] zp = new int[outs];
    boolean sign = qw.form() == QuantizedWeights.Form.SIGN;
    int[] zps = qw.zeroPoint();
    int[] ints = new int[v.length];
    for (int c = 0; c < outs; c++) {
      zp[c] = sign ? 0 : zps[c];
      for (int p = c * per; p < (c + 1) * per; p++) {
        codes[p] = sign ? qw.integer(v[p], c) : qw.code(v[p], c);
        ints[p] = codes[p] - zp[c];
      }
    }
    IntWeights iw = new IntWeights(codes, zp, outs, per, qw.bits());
    int last = i;
    Epilogue e = null;
    int j = soleReader(i);
    if (j >= 0) {
      e = epilogue(nodes.get(j).layer());
      if (e != null) {
        last = j;
      }
    }
    int size = (int) Shapes.size(graph.outputShape(last));
    add(nodes.get(i).name(), f.make(iw, ints, qw.scale(), bias(bias, outs), e, new InputCodes(q)),
        in, size);
    for (int k = i; k <= last; k++) {
      slot.put(nodes.get(k).name(), steps.size() - 1);
    }
    return last;
  }

  /** Builds a weighted op from its folded weights. */
  @FunctionalInterface
  private interface WeightedFactory {
    Op make(float[] weight, float[] bias, Epilogue e, int lastNode);
  }

  /**
   * A Dense or Conv at node i with weight (outs, rest) and bias (outs): folds a following
   * BatchNorm (w' = w * gamma / sqrt(var + eps), b' = (b - mean) * that + beta) and fuses a
   * following activation. Returns the index of the last node it absorbed.
   */
  private int weighted(int i, int[] in, float[] w, float[] b, int outs, int spatial,
      WeightedFactory f) {
    int last = i;
    int j = soleReader(last);
    if (j >= 0 && nodes.get(j).layer() instanceof BatchNorm bn) {
      float[][] ss = scaleShift(bn);
      int per = w.length / outs;
      for (int o = 0; o < outs; o++) {
        for (int q = 0; q < per; q++) {
          w[o * per + q] *= ss[0][o];
        }
        b[o] = b[o] * ss[0][o] + ss[1][o];
      }
      last = j;
    }
    Epilogue e = null;
    j = soleReader(last);
    if (j >= 0) {
      e = epilogue(nodes.get(j).layer());
      if (e != null) {
        last = j;
      }
    }
    int size = (int) Shapes.size(graph.outputShape(last));
    add(nodes.get(i).name(), f.make(w, b, e, last), in, size);
    for (int k = i; k <= last; k++) {
      slot.put(nodes.get(k).name(), steps.size() - 1);
    }
    return last;
  }

  /**
   * An integer dense layer, with its kept codes in compressed rows as well when enough of its
   * weights are zero (pruned) and that measures faster.
   */
  private static Op quantDense(int in, int out, IntWeights w, int[] ints, float[] scale,
      float[] b, Epilogue e, InputCodes codes) {
    Op dense = new QuantDenseOp(in, out, w, scale, b, e, codes);
    int zeros = 0;
    for (int v : ints) {
      zeros += v == 0 ? 1 : 0;
    }
    if (zeros < KernelChoice.MIN_SPARSITY * ints.length) {
      return dense;
    }
    int[] code = new int[ints.length];
    int[] zp = w.zeroPoints();
    for (int i = 0; i < ints.length; i++) {
      code[i] = ints[i] + zp[i / in];
    }
    Op sparse = new QuantDenseOp(in, out, new SparseIntWeights(code, zp, out, in, w.bits()),
        scale, b, e, codes);
    return KernelChoice.choose(dense, sparse, in, out);
  }

  /** A dense layer, in CSR form as well when enough of it is zero and that measures faster. */
  private static Op dense(int in, int out, float[] w, float[] b, Epilogue e) {
    Op dense = new DenseOp(in, out, w, b, e);
    int zeros = 0;
    for (float v : w) {
      if (v == 0f) {
        zeros++;
      }
    }
    if (zeros < KernelChoice.MIN_SPARSITY * w.length) {
      return dense;
    }
    return KernelChoice.choose(dense, new SparseDenseOp(in, out, w, b, e), in, out);
  }

  private static Epilogue epilogue(Layer l) {
    return l instanceof Activation a ? new Epilogue(a.function(), a.alpha()) : null;
  }

  /** BatchNorm in evaluation mode as y = x * scale + shift. */
  private static float[][] scaleShift(BatchNorm bn) {
    int f = bn.features();
    float[] scale = new float[f];
    float[] shift = new float[f];
    float[] g = bn.gamma().value().data();
    float[] beta = bn.beta().value().data();
    float[] mean = bn.runningMean().data();
    float[] var = bn.runningVar().data();
    for (int c = 0; c < f; c++) {
      scale[c] = g[c] / (float) Math.sqrt(var[c] + bn.eps());
      shift[c] = beta[c] - mean[c] * scale[c];
    }
    return new float[][] {scale, shift};
  }

  private static float[] bias(dev.whittle.nn.Parameter b, int n) {
    return b == null ? new float[n] : b.value().data().clone();
  }

  private int[] inputs(Graph.Node node) {
    int[] in = new int[node.inputs().size()];
    for (int k = 0; k < in.length; k++) {
      in[k] = slot.get(node.inputs().get(k));
    }
    return in;
  }

  private void add(String name, Op op, int[] in, int outSize) {
    steps.add(new Plan.Step(name, op, in, outSize));
    slot.put(name, steps.size() - 1);
  }
}
