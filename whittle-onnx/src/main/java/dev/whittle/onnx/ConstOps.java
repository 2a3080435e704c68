package dev.whittle.onnx;

import dev.whittle.Limits;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The arithmetic evaluated at import time on constant tensors (element-wise operators, Cast,
 * Shape) and the shape rules the other constant operators share: numpy broadcasting, axes counted
 * from the end when negative, size limits. Layout operators are in {@link ConstLayout},
 * quantization in {@link Quantization}; problems are {@link OpError}s.
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
    // A computed constant costs the file nothing: only the ceiling bounds it (8 bytes: int64).
    if (n > Limits.maxTensorBytes() / Long.BYTES) {
      throw new OpError("makes a tensor of " + n + " elements, more than the limit of "
          + Limits.maxTensorBytes() + " bytes per tensor (system property "
          + Limits.MAX_TENSOR_BYTES_PROPERTY + ")");
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
    int r = out.length;
    int[] inStrides = Dims.strides(in);
    int[] eff = new int[r];
    for (int i = 0; i < r; i++) {
      int j = i - (r - in.length);
      eff[i] = j >= 0 && in[j] != 1 ? inStrides[j] : 0;
    }
    return Dims.strided(out, 0, eff);
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
}
