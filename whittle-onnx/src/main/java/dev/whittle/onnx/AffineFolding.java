package dev.whittle.onnx;

import java.util.Arrays;

/**
 * Folds constant affine maps {@code x * scale + shift} (from Add, Sub, Mul and Div by a constant)
 * into neighbouring weights: backwards into the weighted layer that made {@code x} when the map
 * is per output channel, else forwards into the next Dense or Conv2d.
 */
final class AffineFolding {
  private final ImportContext ctx;

  AffineFolding(ImportContext ctx) {
    this.ctx = ctx;
  }

  /** A constant broadcast to one value per element of a sample of shape {@code shape}. */
  float[] expand(Const c, int[] shape) {
    int[] cd = c.dims;
    if (cd.length > shape.length + 1) {
      throw ctx.fail("broadcasts an activation " + Dims.batched(shape)
          + " with a constant of shape "
          + c.shapeText() + ", which would grow it");
    }
    if (cd.length == shape.length + 1) {
      if (cd[0] != 1) {
        throw ctx.fail("applies a constant of shape " + c.shapeText() + " that varies along the"
            + " batch");
      }
      cd = Arrays.copyOfRange(cd, 1, cd.length);
    }
    int[] b = ConstOps.broadcast(cd, shape);
    if (!Arrays.equals(b, shape)) {
      throw ctx.fail("broadcasts an activation " + Dims.batched(shape)
          + " with a constant of shape "
          + c.shapeText() + ", which would grow it");
    }
    int[] idx = ConstOps.broadcastIndex(cd, shape);
    float[] v = c.toFloats();
    float[] out = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = v[idx[i]];
    }
    return out;
  }

  /**
   * x * s + t: folded into the layer that made x when that is a weighted layer nothing else
   * reads and the map is per output channel; else kept pending for the next weighted layer.
   */
  Dyn affine(Dyn x, int inputIndex, float[] s, float[] t) {
    boolean identity = true;
    for (int i = 0; i < s.length; i++) {
      identity &= s[i] == 1f && t[i] == 0f;
    }
    if (identity) {
      return x;
    }
    if (x.linear != null && x.perm == null && !x.hasAffine()
        && ctx.uses.getOrDefault(ctx.cur.getInput(inputIndex), 0) == 1
        && !ctx.graphOutputs.contains(ctx.cur.getInput(inputIndex))) {
      LNode n = x.linear;
      int ch = n.outs;
      int spatial = s.length / ch;
      float[] cs = new float[ch];
      float[] ct = new float[ch];
      boolean perChannel = s.length == ch * spatial;
      for (int c = 0; c < ch && perChannel; c++) {
        cs[c] = s[c * spatial];
        ct[c] = t[c * spatial];
        for (int q = 1; q < spatial; q++) {
          perChannel &= s[c * spatial + q] == cs[c] && t[c * spatial + q] == ct[c];
        }
      }
      if (perChannel) {
        n.scaleShift(cs, ct);
        return x;
      }
    }
    float[] ns = s.clone();
    float[] nt = t.clone();
    if (x.hasAffine()) {
      for (int i = 0; i < ns.length; i++) {
        ns[i] = x.scale[i] * s[i];
        nt[i] = x.shift[i] * s[i] + t[i];
      }
    }
    return new Dyn(x.src, x.shape, x.perm, ns, nt, null);
  }

  /**
   * Folds a per-input-channel map {@code x * scale + shift} into the weights of the layer that
   * reads x: {@code w' = w * scale}, {@code b' = b + sum(w * shift)}. The weights are (outs,
   * channels, group) in row-major order, {@code group} weights per channel (1 for Dense, kh * kw
   * for Conv2d). Returns the bias, made when there was none.
   */
  static float[] intoWeights(float[] w, float[] b, int outs, float[] scale, float[] shift,
      int group) {
    int c = scale.length;
    if (b == null) {
      b = new float[outs];
    }
    for (int o = 0; o < outs; o++) {
      double extra = 0;
      for (int ch = 0; ch < c; ch++) {
        float sc = scale[ch];
        float sh = shift[ch];
        for (int q = 0; q < group; q++) {
          int i = (o * c + ch) * group + q;
          extra += (double) w[i] * sh;
          w[i] *= sc;
        }
      }
      b[o] = (float) (b[o] + extra);
    }
    return b;
  }

  /**
   * Folds the pending map of a convolution's input (C, H, W) into its weights (oc, C, k, k); the
   * map must be per channel, and a shift cannot fold exactly when the convolution pads with zeros.
   * Returns the bias.
   */
  float[] intoConv(Dyn x, float[] w, float[] b, int oc, int k, int pad) {
    int c = x.shape[0];
    int hw = x.shape[1] * x.shape[2];
    boolean shifted = false;
    for (int ch = 0; ch < c; ch++) {
      for (int q = 1; q < hw; q++) {
        int i = ch * hw;
        if (x.scale[i + q] != x.scale[i] || x.shift[i + q] != x.shift[i]) {
          throw ctx.fail("reads an activation scaled or shifted per pixel by a constant, which"
              + " cannot fold into the convolution; Whittle needs an affine layer for it");
        }
      }
      shifted |= x.shift[ch * hw] != 0f;
    }
    if (shifted && pad > 0) {
      throw ctx.fail("reads an activation shifted by a constant (such as a normalization) and"
          + " pads with zeros, so the shift cannot fold into the weights exactly; Whittle"
          + " needs an affine layer for it");
    }
    float[] sc = new float[c];
    float[] sh = new float[c];
    for (int ch = 0; ch < c; ch++) {
      sc[ch] = x.scale[ch * hw];
      sh[ch] = x.shift[ch * hw];
    }
    return intoWeights(w, b, oc, sc, sh, k * k);
  }
}
