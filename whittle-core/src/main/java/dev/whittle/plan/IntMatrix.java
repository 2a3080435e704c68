package dev.whittle.plan;

/**
 * Integer weight codes (out, k) with a zero point and a code sum per row, and their product with
 * unsigned byte input codes: {@code acc[i * csRow + j * csCol] = sum_p (a[i * lda + p] & 0xFF) *
 * code[j][p]}, exact in int32. {@link IntWeights} holds every code; {@link SparseIntWeights} only
 * those that differ from their row's zero point (pruned weights), and gives the same sums.
 */
abstract class IntMatrix {
  private final int k;
  private final int bits;
  private final int[] zeroPoints;
  private final int[] rowSums;

  IntMatrix(int k, int bits, int[] zeroPoints, int[] rowSums) {
    this.k = k;
    this.bits = bits;
    this.zeroPoints = zeroPoints.clone();
    this.rowSums = rowSums;
  }

  /** Codes per row. */
  final int k() {
    return k;
  }

  /** The codes' bit width. */
  final int bits() {
    return bits;
  }

  /** Per row: the sum of its codes. */
  final int[] rowSums() {
    return rowSums;
  }

  /** Per row: the zero point of its codes (the code of the value 0). */
  final int[] zeroPoints() {
    return zeroPoints;
  }

  /**
   * The product over m input rows; {@code aSum[i]} is the sum of input row i's codes, which a
   * sparse form needs for the codes it leaves out.
   */
  abstract void multiply(int m, byte[] a, int lda, int[] aSum, int[] acc, int csRow, int csCol);

  /** Multiply-adds per input row. */
  abstract long macs();

  abstract String describe();
}
