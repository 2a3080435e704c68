package dev.whittle.kernel;

/**
 * Scalar oracles for the quantized kernels ({@link Int8Gemm}, {@link XnorGemm},
 * {@link BinaryGemm}): plain loops over the formulas in their javadoc, on unpacked operands, with
 * no blocking. The integer ones are exact; the binary one accumulates in double.
 */
public final class QuantKernelsReference {

  private QuantKernelsReference() {}

  /**
   * c[i*csRow + j*csCol + cOff] = sum_p (a[aOff + i*lda + p] & 0xFF) * b[j*k + p], for A (m, k)
   * unsigned bytes and B (n, k) signed bytes, row-major.
   */
  public static void int8Gemm(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b,
      int[] c, int cOff, int csRow, int csCol) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int sum = 0;
        for (int p = 0; p < k; p++) {
          sum += (a[aOff + i * lda + p] & 0xFF) * b[j * k + p];
        }
        c[cOff + i * csRow + j * csCol] = sum;
      }
    }
  }

  /**
   * c[i*csRow + j*csCol + cOff] = sum_p a_ip * b_jp for +1/-1 matrices A (m, k) and B (n, k) in
   * {@link BitPack} sign-bit rows (row i of A at a[aOff + i * words(k)]), bit by bit.
   */
  public static void xnorGemm(int m, int n, int k, long[] a, int aOff, long[] b, int bOff,
      int[] c, int cOff, int csRow, int csCol) {
    int w = BitPack.words(k);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int sum = 0;
        for (int p = 0; p < k; p++) {
          long ab = a[aOff + i * w + (p >>> 6)] ^ b[bOff + j * w + (p >>> 6)];
          sum += (ab >>> p & 1) == 0 ? 1 : -1; // equal signs multiply to +1
        }
        c[cOff + i * csRow + j * csCol] = sum;
      }
    }
  }

  /**
   * y[i*ldy + j + yOff] = alpha[j] * sum_p x[xOff + i*ldx + p] * s_jp for X (m, k) floats and
   * S (n, k) +1/-1 in {@link BitPack} sign-bit rows at w[wOff]; the sum is taken in double.
   */
  public static void binaryGemm(int m, int n, int k, float[] x, int xOff, int ldx, long[] w,
      int wOff, float[] alpha, float[] y, int yOff, int ldy) {
    int words = BitPack.words(k);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          boolean plus = (w[wOff + j * words + (p >>> 6)] >>> p & 1) != 0;
          double v = x[xOff + i * ldx + p];
          sum += plus ? v : -v;
        }
        y[yOff + i * ldy + j] = (float) (alpha[j] * sum);
      }
    }
  }
}
