package dev.whittle.onnx;

import static dev.whittle.onnx.ConstOps.axis;
import static dev.whittle.onnx.ConstOps.checkSize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout operators evaluated at import time on constant tensors: Transpose, Reshape,
 * Squeeze, Unsqueeze, Concat, Gather and Slice, following the ONNX definitions (negative axes
 * counted from the end); problems are {@link OpError}s.
 */
final class ConstLayout {
  private ConstLayout() {}

  /** The elements {@code src} (flat indices) of {@code a}, as a tensor of shape {@code dims}. */
  private static Const take(Const a, int[] dims, int[] src) {
    if (a.isFloat()) {
      float[] f = new float[src.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = a.f[src[i]];
      }
      return Const.floats(dims, a.dtype, f);
    }
    long[] l = new long[src.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = a.l[src[i]];
    }
    return Const.longs(dims, a.dtype, l);
  }

  static Const transpose(Const a, int[] perm) {
    int r = a.rank();
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = a.dims[perm[i]];
    }
    return take(a, out, permutation(a.dims, perm));
  }

  /**
   * For transposing a tensor of shape {@code dims} by {@code perm}: for each flat index of the
   * result, the flat index it reads in the source.
   */
  static int[] permutation(int[] dims, int[] perm) {
    int r = dims.length;
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = dims[perm[i]];
    }
    int[] inStrides = Dims.strides(dims);
    int[] strides = new int[r];
    for (int i = 0; i < r; i++) {
      strides[i] = inStrides[perm[i]];
    }
    return Dims.strided(out, 0, strides);
  }

  /** Checks a Transpose perm attribute: a permutation of 0..rank-1. */
  static int[] perm(long[] p, int rank) {
    if (p == null) {
      int[] rev = new int[rank];
      for (int i = 0; i < rank; i++) {
        rev[i] = rank - 1 - i;
      }
      return rev;
    }
    if (p.length != rank) {
      throw new OpError("perm " + Arrays.toString(p) + " does not fit rank " + rank);
    }
    int[] out = new int[rank];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int a = axis(p[i], rank, "perm axis");
      if (seen[a]) {
        throw new OpError("perm " + Arrays.toString(p) + " is not a permutation");
      }
      seen[a] = true;
      out[i] = a;
    }
    return out;
  }

  /** Resolves a Reshape target for a constant (no batch). */
  static int[] reshapeTarget(int[] in, long[] shape, boolean allowZero) {
    int[] out = new int[shape.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      long v = shape[i];
      if (v == Const.BATCH) {
        throw new OpError("reshapes a constant with the batch size");
      }
      if (v == 0 && !allowZero) {
        if (i >= in.length) {
          throw new OpError("shape copies axis " + i + " of a tensor of rank " + in.length);
        }
        v = in[i];
      }
      if (v == -1) {
        if (infer >= 0) {
          throw new OpError("shape " + Arrays.toString(shape) + " has two -1");
        }
        infer = i;
        continue;
      }
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new OpError("shape " + Arrays.toString(shape) + " has dimension " + v);
      }
      out[i] = (int) v;
      known *= v;
    }
    long total = Dims.size(in);
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw new OpError("cannot reshape " + Dims.text(in) + " to " + Arrays.toString(shape));
      }
      out[infer] = (int) (total / known);
    } else if (known != total) {
      throw new OpError("cannot reshape " + Dims.text(in) + " to " + Arrays.toString(shape));
    }
    return out;
  }

  static Const unsqueeze(Const a, long[] axes) {
    int r = a.rank() + axes.length;
    boolean[] ins = new boolean[r];
    for (long ax : axes) {
      int x = axis(ax, r, "axis");
      if (ins[x]) {
        throw new OpError("axes repeat " + ax);
      }
      ins[x] = true;
    }
    int[] out = new int[r];
    int j = 0;
    for (int i = 0; i < r; i++) {
      out[i] = ins[i] ? 1 : a.dims[j++];
    }
    return a.reshape(out);
  }

  static int[] squeezeDims(int[] dims, long[] axes) {
    boolean[] drop = new boolean[dims.length];
    if (axes == null || axes.length == 0) {
      for (int i = 0; i < dims.length; i++) {
        drop[i] = dims[i] == 1;
      }
    } else {
      for (long ax : axes) {
        int x = axis(ax, dims.length, "axis");
        if (dims[x] != 1) {
          throw new OpError("cannot squeeze axis " + ax + " of size " + dims[x]);
        }
        drop[x] = true;
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < dims.length; i++) {
      if (!drop[i]) {
        out.add(dims[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static Const concat(List<Const> parts, long axisAttr) {
    Const first = parts.get(0);
    int r = first.rank();
    int ax = axis(axisAttr, r, "axis");
    boolean isFloat = false;
    int total = 0;
    for (Const c : parts) {
      if (c.rank() != r) {
        throw new OpError("joins tensors of ranks " + r + " and " + c.rank());
      }
      for (int i = 0; i < r; i++) {
        if (i != ax && c.dims[i] != first.dims[i]) {
          throw new OpError("joins shapes " + first.shapeText() + " and " + c.shapeText());
        }
      }
      isFloat |= c.isFloat();
      total += c.dims[ax];
    }
    int[] out = first.dims.clone();
    out[ax] = total;
    checkSize(out);
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= out[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < r; i++) {
      inner *= out[i];
    }
    int n = Dims.size(out);
    float[] f = isFloat ? new float[n] : null;
    long[] l = isFloat ? null : new long[n];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (Const c : parts) {
        int chunk = c.dims[ax] * inner;
        for (int k = 0; k < chunk; k++) {
          int src = o * chunk + k;
          if (isFloat) {
            f[pos++] = (float) c.get(src);
          } else {
            l[pos++] = c.l[src];
          }
        }
      }
    }
    return isFloat ? Const.floats(out, first.dtype, f) : Const.longs(out, first.dtype, l);
  }

  static Const gather(Const data, Const indices, long axisAttr) {
    int r = data.rank();
    int ax = axis(axisAttr, r, "axis");
    int[] idx = new int[indices.size()];
    for (int i = 0; i < idx.length; i++) {
      long v = indices.getLong(i);
      if (v < 0) {
        v += data.dims[ax];
      }
      if (v < 0 || v >= data.dims[ax]) {
        throw new OpError("index " + indices.getLong(i) + " is out of range for axis size "
            + data.dims[ax]);
      }
      idx[i] = (int) v;
    }
    int[] out = new int[r - 1 + indices.rank()];
    int p = 0;
    for (int i = 0; i < ax; i++) {
      out[p++] = data.dims[i];
    }
    for (int d : indices.dims) {
      out[p++] = d;
    }
    for (int i = ax + 1; i < r; i++) {
      out[p++] = data.dims[i];
    }
    checkSize(out);
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= data.dims[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < r; i++) {
      inner *= data.dims[i];
    }
    int[] src = new int[Dims.size(out)];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (int j : idx) {
        for (int k = 0; k < inner; k++) {
          src[pos++] = (o * data.dims[ax] + j) * inner + k;
        }
      }
    }
    return take(data, out, src);
  }

  static Const slice(Const data, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = data.rank();
    int[] start = new int[r];
    int[] step = new int[r];
    int[] out = data.dims.clone();
    Arrays.fill(step, 1);
    if (axes == null) {
      axes = new long[starts.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    if (ends.length != starts.length || axes.length != starts.length
        || (steps != null && steps.length != starts.length)) {
      throw new OpError("starts, ends, axes and steps differ in length");
    }
    for (int i = 0; i < starts.length; i++) {
      int ax = axis(axes[i], r, "axis");
      long d = data.dims[ax];
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new OpError("step is 0");
      }
      long s = starts[i];
      long e = ends[i];
      s = s < 0 ? s + d : s;
      e = e < 0 ? e + d : e;
      if (st > 0) {
        s = Math.clamp(s, 0, d);
        e = Math.clamp(e, 0, d);
      } else {
        s = Math.clamp(s, 0, d - 1);
        e = Math.clamp(e, -1, d - 1);
      }
      long len = st > 0 ? Math.max(0, (e - s + st - 1) / st) : Math.max(0, (s - e - st - 1) / -st);
      start[ax] = (int) s;
      step[ax] = (int) st;
      out[ax] = (int) len;
    }
    int[] inStrides = Dims.strides(data.dims);
    int offset = 0;
    int[] strides = new int[r];
    for (int i = 0; i < r; i++) {
      offset += start[i] * inStrides[i];
      strides[i] = step[i] * inStrides[i];
    }
    return take(data, out, Dims.strided(out, offset, strides));
  }
}
