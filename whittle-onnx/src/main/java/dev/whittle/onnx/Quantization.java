package dev.whittle.onnx;

import static dev.whittle.onnx.ConstOps.axis;

import java.util.Arrays;

/**
 * Weight quantization evaluated at import time: DequantizeLinear and QuantizeLinear on constant
 * tensors, per tensor, per axis or blocked, as ONNX defines them; problems are {@link OpError}s.
 */
final class Quantization {
  private Quantization() {}

  /**
   * The per-element index into a quantization parameter (scale or zero point) of shape {@code
   * p}: per tensor when it has one element, per axis when rank 1, blocked when {@code block > 0}.
   */
  private static int[] paramIndex(int[] dims, Const p, long axisAttr, long block, String what) {
    int n = Dims.size(dims);
    int[] idx = new int[n];
    if (p.size() == 1 && block == 0) {
      return idx;
    }
    int r = dims.length;
    int ax = axis(axisAttr, r, "axis");
    int inner = 1;
    for (int i = ax + 1; i < r; i++) {
      inner *= dims[i];
    }
    if (block == 0) {
      if (p.rank() != 1 || p.dims[0] != dims[ax]) {
        throw new OpError(what + " has shape " + p.shapeText() + ", expected (" + dims[ax]
            + ") for axis " + ax + " of " + Dims.text(dims));
      }
      for (int k = 0; k < n; k++) {
        idx[k] = (k / inner) % dims[ax];
      }
      return idx;
    }
    int[] expect = dims.clone();
    expect[ax] = (int) ((dims[ax] + block - 1) / block);
    if (!Arrays.equals(p.dims, expect)) {
      throw new OpError(what + " has shape " + p.shapeText() + ", expected " + Dims.text(expect)
          + " for blocks of " + block + " along axis " + ax);
    }
    int[] st = Dims.strides(dims);
    int[] pst = Dims.strides(expect);
    for (int k = 0; k < n; k++) {
      int rem = k;
      int src = 0;
      for (int i = 0; i < r; i++) {
        int c = rem / st[i];
        rem -= c * st[i];
        src += (i == ax ? (int) (c / block) : c) * pst[i];
      }
      idx[k] = src;
    }
    return idx;
  }

  static Const dequantize(Const x, Const scale, Const zero, long axis, long block) {
    if (x.isFloat()) {
      throw new OpError("dequantizes a float tensor");
    }
    float[] s = scale.toFloats();
    int[] si = paramIndex(x.dims, scale, axis, block, "scale");
    int[] zi = zero == null ? null : paramIndex(x.dims, zero, axis, block, "zero point");
    float[] out = new float[x.size()];
    for (int k = 0; k < out.length; k++) {
      long z = zero == null ? 0 : zero.getLong(zi[k]);
      out[k] = (float) (x.l[k] - z) * s[si[k]];
    }
    Const result = Const.floats(x.dims, out);
    if (block != 0) {
      return result;
    }
    long[] zp = new long[s.length];
    for (int c = 0; c < zp.length && zero != null; c++) {
      zp[c] = zero.getLong(c);
    }
    int ax = s.length == 1 ? -1 : axis(axis, x.rank(), "axis"); // per tensor, or checked above
    return result.withDequantized(new Const.Dequantized(s.clone(), zp, ax, x.dtype));
  }

  static Const quantize(Const x, Const scale, Const zero, long axis, long block, int outType) {
    float[] v = x.toFloats();
    float[] s = scale.toFloats();
    int[] si = paramIndex(x.dims, scale, axis, block, "scale");
    int[] zi = zero == null ? null : paramIndex(x.dims, zero, axis, block, "zero point");
    long lo = DataTypes.min(outType);
    long hi = DataTypes.max(outType);
    long[] out = new long[v.length];
    for (int k = 0; k < out.length; k++) {
      long z = zero == null ? 0 : zero.getLong(zi[k]);
      double q = Math.rint(v[k] / s[si[k]]) + z;
      out[k] = (long) Math.max(lo, Math.min(hi, q));
    }
    return Const.longs(x.dims, outType, out);
  }
}
