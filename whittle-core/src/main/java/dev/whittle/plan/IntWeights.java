package dev.whittle.plan;

import dev.whittle.kernel.Parallel;

/**
 * Signed integer weight codes (out, k) held as bytes, with a zero point and a code sum per row,
 * and the product of unsigned byte input codes with them: {@code acc[i * csRow + j * csCol] =
 * sum_p (a[i * lda + p] & 0xFF) * code[j][p]}, exact in int32.
 */
final class IntWeights {
  private final int out;
  private final int k;
  private final int bits;
  private final byte[] w; // (out, k)
  private final int[] rowSums;
  private final int[] zeroPoints;

  IntWeights(int[] ints, int[] zeroPoints, int out, int k, int bits) {
    this.zeroPoints = zeroPoints.clone();
    this.out = out;
    this.k = k;
    this.bits = bits;
    this.w = new byte[out * k];
    this.rowSums = new int[out];
    for (int j = 0; j < out; j++) {
      int s = 0;
      for (int p = 0; p < k; p++) {
        int v = ints[j * k + p];
        if (v < -128 || v > 127) {
          throw new IllegalArgumentException("weight code " + v + " does not fit in 8 bits");
        }
        w[j * k + p] = (byte) v;
        s += v;
      }
      rowSums[j] = s;
    }
  }

  /** Per row: the sum of its codes. */
  int[] rowSums() {
    return rowSums;
  }

  /** Per row: the zero point of its codes. */
  int[] zeroPoints() {
    return zeroPoints;
  }

  int k() {
    return k;
  }

  /** The product over m input rows, split across threads. */
  void multiply(int m, byte[] a, int lda, int[] acc, int csRow, int csCol) {
    Parallel.forRange(m, (i0, i1) -> rows(i0, i1, a, lda, acc, csRow, csCol));
  }

  /** The product on the calling thread (callers that already run in parallel). */
  void multiplySerial(int m, byte[] a, int lda, int[] acc, int csRow, int csCol) {
    rows(0, m, a, lda, acc, csRow, csCol);
  }

  private void rows(int i0, int i1, byte[] a, int lda, int[] acc, int csRow, int csCol) {
    for (int i = i0; i < i1; i++) {
      for (int j = 0; j < out; j++) {
        int s = 0;
        for (int p = 0; p < k; p++) {
          s += (a[i * lda + p] & 0xFF) * w[j * k + p];
        }
        acc[i * csRow + j * csCol] = s;
      }
    }
  }

  long bytes() {
    return ((long) out * k * bits + 7) / 8;
  }

  String describe() {
    return "int" + bits;
  }
}
