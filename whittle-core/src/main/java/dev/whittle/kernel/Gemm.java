package dev.whittle.kernel;

/**
 * Single-precision GEMM on row-major arrays: C = beta*C + op(A) op(B).
 *
 * <p>Large shapes run the packed, cache-blocked 4 x 16 Vector API kernel ({@link GemmBlocked}),
 * split over {@link Parallel} threads by blocks of C rows or columns; one- or two-row/column
 * shapes run matrix-vector loops ({@link GemmSmall}). Which path runs depends on the shape only,
 * and each C element's arithmetic does not depend on the split, so results are bit-identical for
 * any thread count.
 */
public final class Gemm {

  /** Below this many multiply-adds the blocked kernel runs on the calling thread alone. */
  private static final long PARALLEL_WORK = 1L << 19;

  private Gemm() {}

  /**
   * C = beta*C + op(A) op(B), all row-major.
   *
   * @param transA false: A stored (m, k) with leading dimension lda; true: stored (k, m)
   * @param transB false: B stored (k, n) with leading dimension ldb; true: stored (n, k)
   * @param beta 0 overwrites C (NaN already in C is ignored); 1 accumulates into C
   * @param c (m, n) at c[cOff], leading dimension ldc
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (Kernels.scalar()) {
      GemmReference.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      scale(beta, m, n, c, cOff, ldc);
      return;
    }
    if (m <= 2) {
      GemmSmall.byRows(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (n <= 2) {
      GemmSmall.byCols(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    int tilesM = (m + GemmMicro.MR - 1) / GemmMicro.MR;
    int tilesN = (n + GemmMicro.NR - 1) / GemmMicro.NR;
    int t = Parallel.threads();
    if (t == 1 || (long) m * n * k < PARALLEL_WORK || Parallel.inParallelRegion()) {
      block(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    // Each thread packs its own share of one operand and all of the other; split the dimension
    // that duplicates the smaller operand, unless it has too few tiles to go round.
    boolean splitN = m <= n ? tilesN >= t || tilesN >= tilesM : tilesM < t && tilesN > tilesM;
    if (splitN) {
      int nr = GemmMicro.NR;
      Parallel.forRange(tilesN, (t0, t1) -> {
        int j0 = t0 * nr;
        int nn = Math.min(n, t1 * nr) - j0;
        int bo = transB ? bOff + j0 * ldb : bOff + j0;
        block(transA, transB, m, nn, k, a, aOff, lda, b, bo, ldb, beta, c, cOff + j0, ldc);
      });
    } else {
      int mr = GemmMicro.MR;
      Parallel.forRange(tilesM, (t0, t1) -> {
        int i0 = t0 * mr;
        int mm = Math.min(m, t1 * mr) - i0;
        int ao = transA ? aOff + i0 : aOff + i0 * lda;
        block(transA, transB, mm, n, k, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
      });
    }
  }

  private static void block(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    scale(beta, m, n, c, cOff, ldc);
    GemmBlocked.run(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  }

  /** C (m, n) = beta * C; beta == 0 writes zeros whatever C held. */
  private static void scale(float beta, int m, int n, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = row; j < row + n; j++) {
          c[j] *= beta;
        }
      }
    }
  }

  /** Validates dimensions, leading dimensions and that every addressed element is in bounds. */
  static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "sgemm dimensions must be >= 0, got m=" + m + " n=" + n + " k=" + k);
    }
    checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    checkMatrix("C", c, cOff, ldc, m, n);
  }

  private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
    if (rows == 0 || cols == 0) {
      return;
    }
    if (x == null) {
      throw new NullPointerException("sgemm " + name + " is null");
    }
    if (ld < cols) {
      throw new IllegalArgumentException("sgemm leading dimension of " + name + " is " + ld
          + ", less than its row length " + cols);
    }
    long last = (long) off + (long) (rows - 1) * ld + cols;
    if (off < 0 || last > x.length) {
      throw new IndexOutOfBoundsException("sgemm " + name + " (" + rows + ", " + cols
          + ") at offset " + off + " with leading dimension " + ld + " needs " + last
          + " floats, array has " + x.length);
    }
  }
}
