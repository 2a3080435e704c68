package dev.whittle.tensor;

import java.util.Arrays;

/** Small functions on shapes: sizes, batch prefixes, printing. */
public final class Shapes {
  private Shapes() {}

  /** The number of elements of a shape, as a long so hostile shapes cannot overflow. */
  public static long size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE * 8L) {
        return Long.MAX_VALUE;
      }
    }
    return n;
  }

  /** (n, shape...) */
  public static int[] batched(int n, int[] sampleShape) {
    int[] s = new int[sampleShape.length + 1];
    s[0] = n;
    System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
    return s;
  }

  /** The shape without its first (batch) dimension. */
  public static int[] sample(int[] batchedShape) {
    return Arrays.copyOfRange(batchedShape, 1, batchedShape.length);
  }

  public static String format(int[] shape) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : "x").append(shape[i]);
    }
    return b.toString();
  }
}
