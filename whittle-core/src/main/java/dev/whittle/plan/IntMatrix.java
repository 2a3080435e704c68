package dev.whittle.plan;

/**
 * Integer weight codes (out, k) with a zero point per row, and their product with unsigned byte
 * input codes: {@code acc[i * csRow + j * csCol] = sum_p (a[i * lda + p] & 0xFF) * code[j][p]},
 * exact in int32. {@link IntWeights} holds every code; {@link SparseIntWeights} only those that
 * differ from their row's zero point (pruned weights), and gives the same sums.
 */
interface IntMatrix {
  /** Codes per row. */
  int k();

  /** Per row: the sum of its codes. */
  int[] rowSums();

  /** Per row: the zero point of its codes (the code of the value 0). */
  int[] zeroPoints();

  /**
   * The product over m input rows; {@code aSum[i]} is the sum of input row i's codes, which a
   * sparse form needs for the codes it leaves out.
   */
  void multiply(int m, byte[] a, int lda, int[] aSum, int[] acc, int csRow, int csCol);

  /** Multiply-adds per input row. */
  long macs();

  String describe();
}
