package dev.whittle.plan;

import dev.whittle.kernel.Parallel;

/**
 * Integer weight codes in compressed rows: per output row, the columns and codes of the weights
 * whose code differs from the row's zero point, which a pruned layer's zeros do not. The product
 * is {@link IntWeights}'s exactly: with zero point z, {@code sum_p a[p] code[p] = sum_kept a[p]
 * code[p] + z (sum_p a[p] - sum_kept a[p])}, all in int32.
 */
final class SparseIntWeights extends IntMatrix {
  private final int out;
  private final int[] start; // row j's entries are [start[j], start[j + 1])
  private final int[] cols;
  private final int[] codes;

  /**
   * @param codes the codes, row-major (out, k)
   * @param zeroPoints per row, the code of the value 0
   */
  SparseIntWeights(int[] codes, int[] zeroPoints, int out, int k, int bits) {
    super(k, bits, zeroPoints, sums(codes, out, k));
    this.out = out;
    this.start = new int[out + 1];
    int n = 0;
    for (int j = 0; j < out; j++) {
      for (int p = j * k; p < (j + 1) * k; p++) {
        n += codes[p] != zeroPoints[j] ? 1 : 0;
      }
    }
    this.cols = new int[n];
    this.codes = new int[n];
    int e = 0;
    for (int j = 0; j < out; j++) {
      start[j] = e;
      for (int p = 0; p < k; p++) {
        int c = codes[j * k + p];
        if (c != zeroPoints[j]) {
          cols[e] = p;
          this.codes[e++] = c;
        }
      }
    }
    start[out] = e;
  }

  private static int[] sums(int[] codes, int out, int k) {
    int[] s = new int[out];
    for (int j = 0; j < out; j++) {
      for (int p = j * k; p < (j + 1) * k; p++) {
        s[j] += codes[p];
      }
    }
    return s;
  }

  @Override
  void multiply(int m, byte[] a, int lda, int[] aSum, int[] acc, int csRow, int csCol) {
    if (m == 1) {
      rows(0, 1, a, lda, aSum, acc, csRow, csCol);
    } else {
      Parallel.forRange(m, (r0, r1) -> rows(r0, r1, a, lda, aSum, acc, csRow, csCol));
    }
  }

  private void rows(int r0, int r1, byte[] a, int lda, int[] aSum, int[] acc, int csRow,
      int csCol) {
    for (int i = r0; i < r1; i++) {
      int base = i * lda;
      for (int j = 0; j < out; j++) {
        int dot = 0;
        int seen = 0;
        for (int e = start[j]; e < start[j + 1]; e++) {
          int x = a[base + cols[e]] & 0xFF;
          dot += x * codes[e];
          seen += x;
        }
        int z = zeroPoints()[j];
        acc[i * csRow + j * csCol] = z == 0 ? dot : dot + z * (aSum[i] - seen);
      }
    }
  }

  @Override
  long macs() {
    return cols.length;
  }

  @Override
  String describe() {
    return "int" + bits() + " sparse (" + cols.length + " of " + (long) out * k() + ")";
  }
}
