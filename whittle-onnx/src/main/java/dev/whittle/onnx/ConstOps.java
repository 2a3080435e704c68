package dev.whittle.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The operators evaluated at import time on constant tensors: shape arithmetic, layout changes
 * and weight dequantization. Each follows the ONNX operator's definition (numpy broadcasting,
 * negative axes counted from the end); problems are {@link OpError}s.
 */
final class ConstOps {
  private ConstOps() {}

  /** The most elements a folded tensor may have. */
  static final long MAX_ELEMENTS = OnnxImporter.DEFAULT_MAX_TENSOR_ELEMENTS;

  /** Checks a result shape before anything of its size is allocated. */
  static int[] checkSize(int[] dims) {
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new OpError("makes a tensor with dimension " + d);
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new OpError("makes a tensor of more than " + MAX_ELEMENTS + " elements");
      }
    }
    return dims;
  }

  static int axis(long axis, int rank, String what) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new OpError(what + " " + axis + " is out of range for rank " + rank);
    }
    return (int) a;
  }

  static void noBatch(Const c, String op) {
    if (c.hasBatch()) {
      throw new OpError(op + " computes with the batch size, which is not known before run time");
    }
  }

  /** The numpy broadcast of two shapes. */
  static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new OpError("shapes " + Dims.text(a) + " and " + Dims.text(b) + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return checkSize(out);
  }

  /** For each element of {@code out}, the flat index into a tensor of shape {@code in}. */
  static int[] broadcastIndex(int[] in, int[] out) {
    int n = Dims.size(out);
    int[] idx = new int[n];
    int r = out.length;
    int[] inStrides = Dims.strides(in);
    int[] eff = new int[r];
    for (int i = 0; i < r; i++) {
      int j = i - (r - in.length);
      eff[i] = j >= 0 && in[j] != 1 ? inStrides[j] : 0;
    }
    int[] outStrides = Dims.strides(out);
    for (int k = 0; k < n; k++) {
      int rem = k;
      int src = 0;
      for (int i = 0; i < r; i++) {
        int c = rem / outStrides[i];
        rem -= c * outStrides[i];
        src += c * eff[i];
      }
      idx[k] = src;
    }
    return idx;
  }

  static Const binary(String op, Const a, Const b) {
    DoubleBinaryOperator fd;
    LongBinaryOperator fl;
    switch (op) {
      case "Add" -> {
        fd = Double::sum;
        fl = Long::sum;
      }
      case "Sub" -> {
        fd = (x, y) -> x - y;
        fl = (x, y) -> x - y;
      }
      case "Mul" -> {
        fd = (x, y) -> x * y;
        fl = (x, y) -> x * y;
      }
      case "Div" -> {
        fd = (x, y) -> x / y;
        fl = (x, y) -> {
          if (y == 0) {
            throw new OpError("integer division by zero");
          }
          return x / y;
        };
      }
      case "Pow" -> {
        fd = Math::pow;
        fl = (x, y) -> (long) Math.pow(x, y);
      }
      default -> throw new IllegalArgumentException(op);
    }
    noBatch(a, op);
    noBatch(b, op);
    int[] shape = broadcast(a.dims, b.dims);
    int[] ia = broadcastIndex(a.dims, shape);
    int[] ib = broadcastIndex(b.dims, shape);
    int n = ia.length;
    if (a.isFloat() || b.isFloat()) {
      float[] fa = a.toFloats();
      float[] fb = b.toFloats();
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        // float32 arithmetic, as ONNX runtimes do it
        float x = fa[ia[i]];
        float y = fb[ib[i]];
        out[i] = switch (op) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          case "Div" -> x / y;
          default -> (float) fd.applyAsDouble(x, y);
        };
      }
      return Const.floats(shape, a.isFloat() ? a.dtype : b.dtype, out);
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = fl.applyAsLong(a.l[ia[i]], b.l[ib[i]]);
    }
    return Const.longs(shape, a.dtype, out);
  }

  static Const unary(String op, Const a) {
    noBatch(a, op);
    float[] x = a.toFloats();
    if (!a.isFloat() && op.equals("Neg")) {
      long[] out = new long[a.l.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = -a.l[i];
      }
      return Const.longs(a.dims, a.dtype, out);
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = switch (op) {
        case "Neg" -> -x[i];
        case "Sqrt" -> (float) Math.sqrt(x[i]);
        case "Reciprocal" -> 1f / x[i];
        case "Abs" -> Math.abs(x[i]);
        case "Relu" -> Math.max(x[i], 0f);
        case "Exp" -> (float) Math.exp(x[i]);
        default -> throw new IllegalArgumentException(op);
      };
    }
    return Const.floats(a.dims, a.isFloat() ? a.dtype : DataTypes.FLOAT, out);
  }

  static Const cast(Const a, int to) {
    if (!DataTypes.isSupported(to)) {
      throw new OpError("casts to " + DataTypes.name(to) + ", which Whittle does not fold");
    }
    if (DataTypes.isFloat(to)) {
      noBatch(a, "Cast to a float type");
      float[] f = a.toFloats().clone();
      if (to == DataTypes.FLOAT16) {
        for (int i = 0; i < f.length; i++) {
          f[i] = Float.float16ToFloat(Float.floatToFloat16(f[i]));
        }
      }
      return Const.floats(a.dims, to, f);
    }
    long[] l = new long[a.size()];
    for (int i = 0; i < l.length; i++) {
      if (a.isFloat()) {
        float v = a.f[i];
        l[i] = to == DataTypes.BOOL ? (v != 0 ? 1 : 0) : (long) v;
      } else {
        long v = a.l[i];
        l[i] = v == Const.BATCH ? v : to == DataTypes.BOOL ? (v != 0 ? 1 : 0) : v;
      }
    }
    return Const.longs(a.dims, to, l);
  }

  static Const transpose(Const a, int[] perm) {
    int r = a.rank();
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = a.dims[perm[i]];
    }
    int[] src = permutation(a.dims, perm);
    if (a.isFloat()) {
      float[] f = new float[src.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = a.f[src[i]];
      }
      return Const.floats(out, a.dtype, f);
    }
    long[] l = new long[src.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = a.l[src[i]];
    }
    return Const.longs(out, a.dtype, l);
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
    int[] outStrides = Dims.strides(out);
    int n = Dims.size(dims);
    int[] src = new int[n];
    for (int k = 0; k < n; k++) {
      int rem = k;
      int s = 0;
      for (int i = 0; i < r; i++) {
        int c = rem / outStrides[i];
        rem -= c * outStrides[i];
        s += c * inStrides[perm[i]];
      }
      src[k] = s;
    }
    return src;
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
    int n = Dims.size(out);
    float[] f = data.isFloat() ? new float[n] : null;
    long[] l = data.isFloat() ? null : new long[n];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (int j : idx) {
        for (int k = 0; k < inner; k++) {
          int src = (o * data.dims[ax] + j) * inner + k;
          if (f != null) {
            f[pos++] = data.f[src];
          } else {
            l[pos++] = data.l[src];
          }
        }
      }
    }
    return f != null ? Const.floats(out, data.dtype, f) : Const.longs(out, data.dtype, l);
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
    int n = Dims.size(out);
    int[] inStrides = Dims.strides(data.dims);
    int[] outStrides = Dims.strides(out);
    float[] f = data.isFloat() ? new float[n] : null;
    long[] l = data.isFloat() ? null : new long[n];
    for (int k = 0; k < n; k++) {
      int rem = k;
      int src = 0;
      for (int i = 0; i < r; i++) {
        int c = rem / outStrides[i];
        rem -= c * outStrides[i];
        src += (start[i] + c * step[i]) * inStrides[i];
      }
      if (f != null) {
        f[k] = data.f[src];
      } else {
        l[k] = data.l[src];
      }
    }
    return f != null ? Const.floats(out, data.dtype, f) : Const.longs(out, data.dtype, l);
  }

  /** Shape's output for a tensor of {@code full} dims (which may start with the batch). */
  static Const shape(long[] full, long startAttr, Long endAttr) {
    int r = full.length;
    long s = startAttr < 0 ? startAttr + r : startAttr;
    long e = endAttr == null ? r : endAttr < 0 ? endAttr + r : endAttr;
    s = Math.clamp(s, 0, r);
    e = Math.clamp(e, 0, r);
    long[] out = e > s ? Arrays.copyOfRange(full, (int) s, (int) e) : new long[0];
    return Const.longs(new int[] {out.length}, out);
  }

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
    return Const.floats(x.dims, out);
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
