package dev.whittle.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Translates the operators with weights into Whittle layers: Gemm and MatMul into Dense, Conv
 * into Conv2d, BatchNormalization into BatchNorm. A pending constant affine map or permutation
 * of the input folds into the weights ({@link AffineFolding}).
 */
final class WeightedLayers {
  private final ImportContext ctx;
  private final Windows windows;
  private final AffineFolding folding;

  WeightedLayers(ImportContext ctx) {
    this.ctx = ctx;
    this.windows = new Windows(ctx);
    this.folding = new AffineFolding(ctx);
  }

  void gemm() {
    Dyn a = ctx.dynIn(0);
    Const bw = ctx.constIn(1, "weight B");
    Const c = ctx.optConst(2, "bias C");
    float alpha = ctx.attrFloat("alpha", 1f);
    float beta = ctx.attrFloat("beta", 1f);
    if (ctx.attrInt("transA", 0) != 0) {
      throw ctx.fail("transA=1 transposes the batch with the features; Whittle supports transA=0");
    }
    boolean transB = ctx.attrInt("transB", 0) != 0;
    if (a.shape.length != 1) {
      throw ctx.fail("expects (N, features) input, got " + Dims.batched(a.shape));
    }
    int in = a.shape[0];
    if (bw.rank() != 2 || bw.dims[transB ? 1 : 0] != in) {
      throw ctx.fail("weight '" + ctx.cur.getInput(1) + "' has shape " + bw.shapeText()
          + ", expected "
          + (transB ? "(out, " + in + ")" : "(" + in + ", out)") + " for " + in
          + " input features (transB=" + (transB ? 1 : 0) + ")");
    }
    int outs = bw.dims[transB ? 0 : 1];
    float[] w = transB ? bw.toFloats().clone() : transpose2(bw.toFloats(), in, outs);
    if (alpha != 1f) {
      for (int i = 0; i < w.length; i++) {
        w[i] *= alpha;
      }
    }
    float[] b = null;
    if (c != null) {
      b = perOutput(c, outs, "bias '" + ctx.cur.getInput(2) + "'");
      if (beta != 1f) {
        for (int i = 0; i < b.length; i++) {
          b[i] *= beta;
        }
      }
    }
    Dyn y = dense(a, w, b, outs, ctx.cur.getInput(1));
    if (alpha == 1f) {
      ctx.byName.get(y.src).weightQuant = WeightQuant.perOutput(bw, transB ? 0 : 1, outs);
    }
    ctx.out(0, y);
  }

  void matmul() {
    Value va = ctx.in(0);
    Value vb = ctx.in(1);
    if (va instanceof Dyn && vb instanceof Dyn) {
      throw ctx.fail("multiplies two activations; Whittle supports MatMul by a constant weight");
    }
    if (!(va instanceof Dyn a)) {
      throw ctx.fail("multiplies a constant by an activation (weight first); Whittle supports"
          + " activation x weight");
    }
    Const bw = ctx.constIn(1, "weight B");
    if (a.shape.length != 1) {
      throw ctx.fail("multiplies an input of " + Dims.batched(a.shape)
          + " (a batched matrix product); Whittle supports (N, features) x (features, out)");
    }
    int in = a.shape[0];
    if (bw.rank() != 2 || bw.dims[0] != in) {
      throw ctx.fail("weight '" + ctx.cur.getInput(1) + "' has shape " + bw.shapeText()
          + ", expected ("
          + in + ", out) for " + in + " input features");
    }
    int outs = bw.dims[1];
    Dyn y = dense(a, transpose2(bw.toFloats(), in, outs), null, outs, ctx.cur.getInput(1));
    ctx.byName.get(y.src).weightQuant = WeightQuant.perOutput(bw, 1, outs);
    ctx.out(0, y);
  }

  private static float[] transpose2(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  /** A bias-like constant broadcast to one value per output: (), (1), (out), (1, out). */
  private float[] perOutput(Const c, int outs, String what) {
    int n = c.size();
    boolean ok = n == 1 || n == outs;
    for (int i = 0; i < c.rank() - 1; i++) {
      ok &= c.dims[i] == 1;
    }
    if (!ok || c.rank() > 2) {
      throw ctx.fail(what + " has shape " + c.shapeText() + ", expected (" + outs + ")");
    }
    float[] f = c.toFloats();
    float[] b = new float[outs];
    for (int i = 0; i < outs; i++) {
      b[i] = f[n == 1 ? 0 : i];
    }
    return b;
  }

  /**
   * A Dense layer computing {@code w x + b} on the logical view of {@code a}: its pending affine
   * map and permutation fold into the weights, so the layer reads the stored tensor directly.
   */
  private Dyn dense(Dyn a, float[] w, float[] b, int outs, String weightName) {
    int in = a.size();
    if (a.hasAffine()) {
      b = AffineFolding.intoWeights(w, b, outs, a.scale, a.shift, 1);
    }
    if (a.perm != null) {
      float[] p = new float[w.length];
      for (int o = 0; o < outs; o++) {
        for (int i = 0; i < in; i++) {
          p[o * in + a.perm[i]] = w[o * in + i];
        }
      }
      w = p;
    }
    LNode n = ctx.add(LNode.Kind.DENSE, ctx.nameFor(weightName, "fc"), List.of(a.src),
        new int[] {outs});
    n.in = in;
    n.outs = outs;
    n.w = w;
    n.b = b;
    n.inputQuant = a.quant;
    return Dyn.of(n);
  }

  void conv() {
    Dyn x = ctx.dynIn(0);
    Const wt = ctx.constIn(1, "weight W");
    Const bias = ctx.optConst(2, "bias B");
    if (x.shape.length != 3) {
      throw ctx.fail("convolves an input of " + Dims.batched(x.shape)
          + "; Whittle supports 2-D convolution over (N, C, H, W)");
    }
    if (ctx.attrInt("group", 1) != 1) {
      throw ctx.fail("group=" + ctx.attrInt("group", 1)
          + " (grouped or depthwise convolution) is not"
          + " supported; Whittle supports group=1");
    }
    long[] dil = windows.ints2("dilations", 1);
    if (dil[0] != 1 || dil[1] != 1) {
      throw ctx.fail("dilations " + Arrays.toString(dil)
          + " are not supported; Whittle supports 1");
    }
    int c = x.shape[0];
    int h = x.shape[1];
    int wd = x.shape[2];
    if (wt.rank() != 4 || wt.dims[1] != c) {
      throw ctx.fail("weight '" + ctx.cur.getInput(1) + "' has shape " + wt.shapeText()
          + ", expected"
          + " (out, " + c + ", kh, kw) for an input of " + c + " channels");
    }
    int oc = wt.dims[0];
    int k = wt.dims[2];
    if (wt.dims[3] != k) {
      throw ctx.fail("kernel " + wt.dims[2] + "x" + wt.dims[3] + " is not square; Whittle's"
          + " compiled convolution supports square kernels");
    }
    long[] ks = ctx.attrInts("kernel_shape");
    if (ks != null && (ks.length != 2 || ks[0] != k || ks[1] != k)) {
      throw ctx.fail("kernel_shape " + Arrays.toString(ks) + " does not match weight "
          + wt.shapeText());
    }
    long[] st = windows.ints2("strides", 1);
    if (st[0] != st[1] || st[0] < 1 || st[0] > 1024) {
      throw ctx.fail("strides " + Arrays.toString(st) + " differ; Whittle supports one stride");
    }
    int s = (int) st[0];
    int pad = windows.padding(h, wd, k, s);
    float[] w = wt.toFloats().clone();
    float[] b = bias == null ? null
        : perOutput(bias, oc, "bias '" + ctx.cur.getInput(2) + "'");
    ActivationQuant.Pending quant = x.quant;
    if (x.hasAffine()) {
      b = folding.intoConv(x, w, b, oc, k, pad);
      x = new Dyn(x.src, x.shape, x.perm, null, null, null);
    }
    ctx.layout(x, 3, "convolves");
    if (h + 2 * pad < k || wd + 2 * pad < k) {
      throw ctx.fail("kernel " + k + "x" + k + " is larger than its padded input "
          + Dims.batched(x.shape));
    }
    int oh = (h + 2 * pad - k) / s + 1;
    int ow = (wd + 2 * pad - k) / s + 1;
    LNode n = ctx.add(LNode.Kind.CONV, ctx.nameFor(ctx.cur.getInput(1), "conv"), List.of(x.src),
        new int[] {oc, oh, ow});
    n.in = c;
    n.outs = oc;
    n.k = k;
    n.stride = s;
    n.pad = pad;
    n.w = w;
    n.b = b;
    n.inputQuant = quant;
    n.weightQuant = WeightQuant.perOutput(wt, 0, oc);
    ctx.out(0, Dyn.of(n));
  }

  void batchNorm() {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    if (ctx.attrInt("training_mode", 0) != 0 || ctx.outputUsed(1) || ctx.outputUsed(2)) {
      throw ctx.fail("is in training mode; Whittle imports models for inference");
    }
    if (ctx.attrInt("spatial", 1) != 1) {
      throw ctx.fail("spatial=0 is not supported");
    }
    if (x.shape.length != 1 && x.shape.length != 3) {
      throw ctx.fail("normalizes an input of " + Dims.batched(x.shape)
          + "; Whittle supports (N, C) and (N, C, H, W)");
    }
    ctx.layout(x, x.shape.length, "normalizes");
    int c = x.shape[0];
    String[] what = {"scale", "bias", "mean", "var"};
    float[][] p = new float[4][];
    for (int i = 0; i < 4; i++) {
      Const t = ctx.constIn(i + 1, what[i]);
      if (t.size() != c || t.rank() != 1) {
        throw ctx.fail(what[i] + " '" + ctx.cur.getInput(i + 1) + "' has shape " + t.shapeText()
            + ", expected (" + c + ") for " + c + " channels");
      }
      p[i] = t.toFloats().clone();
    }
    float momentum = ctx.attrFloat("momentum", 0.9f);
    LNode n = ctx.add(LNode.Kind.BATCHNORM, ctx.nameFor(ctx.cur.getInput(1), "bn"), List.of(x.src),
        ctx.phys(x));
    n.outs = c;
    n.eps = ctx.attrFloat("epsilon", 1e-5f);
    n.momentum = whittleMomentum(momentum);
    n.gamma = p[0];
    n.beta = p[1];
    n.mean = p[2];
    n.var = p[3];
    ctx.out(0, Dyn.of(n));
  }

  /**
   * ONNX's momentum weighs the running statistic, Whittle's the batch's: 1 - m. The shortest
   * decimal that maps back to the same ONNX value is taken, so Whittle's 0.1 comes back as 0.1f.
   */
  static float whittleMomentum(float onnx) {
    if (!(onnx >= 0f && onnx <= 1f)) {
      return 0.1f;
    }
    double m = 1.0 - onnx;
    for (int digits = 1; digits <= 9; digits++) {
      float c = Float.parseFloat(String.format(Locale.ROOT, "%." + digits + "g", m));
      if ((float) (1.0 - c) == onnx) {
        return c;
      }
    }
    return (float) m;
  }
}
