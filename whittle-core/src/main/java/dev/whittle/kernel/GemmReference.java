package dev.whittle.kernel;

/**
 * Scalar oracle for {@link Gemm#sgemm}: a plain triple loop that accumulates in double, so the
 * fast kernel can be tested against something more exact than itself.
 */
public final class GemmReference {

  private GemmReference() {}

  /** C = beta*C + op(A) op(B), same contract as {@link Gemm#sgemm}. */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          // op(A)[i][p]: A is (m, k) or, transposed, stored (k, m)
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          // op(B)[p][j]: B is (k, n) or, transposed, stored (n, k)
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          sum += (double) av * bv;
        }
        int ci = cOff + i * ldc + j;
        double prior = beta == 0f ? 0.0 : (double) beta * c[ci]; // beta == 0 ignores NaN in C
        c[ci] = (float) (prior + sum);
      }
    }
  }
}
