package dev.whittle.onnx;

import java.util.Arrays;

/**
 * A tensor whose value is known at import time: an initializer, a Constant node's value, or the
 * result of folding. Floating-point types are held as float32 ({@link #f}), integer and boolean
 * types as int64 ({@link #l}); {@link #dtype} remembers the ONNX type for Cast and quantization.
 *
 * <p>Shapes computed from a tensor with a dynamic batch hold {@link #BATCH} where the batch size
 * goes; arithmetic on that value is refused, Gather, Concat, Unsqueeze and Reshape carry it.
 */
final class Const implements Value {
  /** The batch size, unknown until run time, inside a folded shape. */
  static final long BATCH = -(1L << 40) - 7;

  final int[] dims;
  final int dtype;
  final float[] f;
  final long[] l;
  /** Null, or how a DequantizeLinear made these floats from integer codes. */
  final Dequantized dequantized;

  /**
   * The quantization parameters of a folded DequantizeLinear: {@code value = (q - zp) * scale},
   * per tensor ({@code axis} -1, one scale) or along {@code axis}; {@code codeType} is the ONNX
   * type of q (INT8, UINT8, ...).
   */
  record Dequantized(float[] scale, long[] zeroPoint, int axis, int codeType) {}

  private Const(int[] dims, int dtype, float[] f, long[] l, Dequantized dequantized) {
    this.dims = dims.clone();
    this.dtype = dtype;
    this.f = f;
    this.l = l;
    this.dequantized = dequantized;
  }

  /** The same float values, remembered as dequantized with {@code d}. */
  Const withDequantized(Dequantized d) {
    return new Const(dims, dtype, f, l, d);
  }

  static Const floats(int[] dims, float[] data) {
    check(dims, data.length);
    return new Const(dims, DataTypes.FLOAT, data, null, null);
  }

  static Const floats(int[] dims, int dtype, float[] data) {
    check(dims, data.length);
    return new Const(dims, dtype, data, null, null);
  }

  static Const longs(int[] dims, int dtype, long[] data) {
    check(dims, data.length);
    return new Const(dims, dtype, null, data, null);
  }

  static Const longs(int[] dims, long[] data) {
    return longs(dims, DataTypes.INT64, data);
  }

  private static void check(int[] dims, int n) {
    if (size(dims) != n) {
      throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " hold " + size(dims)
          + " values, data has " + n);
    }
  }

  static long size(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  boolean isFloat() {
    return f != null;
  }

  int size() {
    return f != null ? f.length : l.length;
  }

  int rank() {
    return dims.length;
  }

  double get(int i) {
    return f != null ? f[i] : (double) l[i];
  }

  long getLong(int i) {
    return f != null ? (long) f[i] : l[i];
  }

  /** True when a value is the unknown batch size. */
  boolean hasBatch() {
    if (l == null) {
      return false;
    }
    for (long v : l) {
      if (v == BATCH) {
        return true;
      }
    }
    return false;
  }

  /** The values as float32 (integers converted). */
  float[] toFloats() {
    if (f != null) {
      return f;
    }
    float[] out = new float[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = (float) l[i];
    }
    return out;
  }

  long[] toLongs() {
    if (l != null) {
      return l;
    }
    long[] out = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = (long) f[i];
    }
    return out;
  }

  /** The same values with another shape of the same size. */
  Const reshape(int[] newDims) {
    return f != null ? floats(newDims, dtype, f) : longs(newDims, dtype, l);
  }

  /** A shape for messages: (2, 3), or () for a scalar. */
  String shapeText() {
    return Dims.text(dims);
  }
}
