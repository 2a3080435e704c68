package dev.whittle.onnx;

/** Small helpers on ONNX shapes (int arrays that may include the batch dimension). */
final class Dims {
  private Dims() {}

  /** (2, 3), (784), or () for a scalar. */
  static String text(int[] dims) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      b.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return b.append(')').toString();
  }

  /** Per-sample shape with the batch written as N: (N, 1, 28, 28). */
  static String batched(int[] sample) {
    StringBuilder b = new StringBuilder("(N");
    for (int d : sample) {
      b.append(", ").append(d);
    }
    return b.append(')').toString();
  }

  static int size(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  /** Row-major strides. */
  static int[] strides(int[] dims) {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /**
   * For each flat index of a tensor of shape {@code dims} (row-major), {@code offset} plus the
   * sum over axes of its coordinate times {@code strides}: the flat index it reads in a source
   * tensor seen through a broadcast, transpose or slice.
   */
  static int[] strided(int[] dims, int offset, int[] strides) {
    int n = size(dims);
    int r = dims.length;
    int[] outStrides = strides(dims);
    int[] idx = new int[n];
    for (int k = 0; k < n; k++) {
      int rem = k;
      int src = offset;
      for (int i = 0; i < r; i++) {
        int c = rem / outStrides[i];
        rem -= c * outStrides[i];
        src += c * strides[i];
      }
      idx[k] = src;
    }
    return idx;
  }

  static int[] prepend(int first, int[] rest) {
    int[] out = new int[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
