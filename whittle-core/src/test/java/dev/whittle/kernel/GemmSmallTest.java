package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.random;
import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * The dot form of the matrix-vector paths (y = M x, M stored row by row, as a Dense layer at
 * batch 1 runs it), against a double-accumulating scalar reference, for lengths and row counts
 * around the vector and step widths, with the offsets and leading dimensions byRows and byCols
 * are called with; and its determinism: every row has the bits of a lone {@link GemmSmall#dot},
 * whichever rows it was computed with, on every call and for any thread count.
 */
class GemmSmallTest {

  private static final int[] KS = {1, 3, 7, 8, 9, 16, 31, 32, 33, 40, 63, 100, 784, 785};
  private static final int[] ROWS = {1, 2, 3, 4, 5, 7, 8, 9, 17, 300};

  /** beta*y + sum_t x[xOff+t] * m[r+t], accumulated in double; and the same on |terms|. */
  private static double[] reference(float[] x, int xOff, float[] m, int r, int k, float beta,
      float y) {
    double s = beta == 0f ? 0 : (double) beta * y;
    double scale = beta == 0f ? 0 : Math.abs((double) beta * y);
    for (int t = 0; t < k; t++) {
      double p = (double) x[xOff + t] * m[r + t];
      s += p;
      scale += Math.abs(p);
    }
    return new double[] {s, scale};
  }

  private static void assertNear(String what, double[] ref, float got) {
    double tol = 1e-5 * (1 + ref[1]);
    if (!(Math.abs(got - ref[0]) <= tol)) {
      fail(what + ": expected " + ref[0] + " got " + got + " (tolerance " + tol + ")");
    }
  }

  /**
   * byRows with op(B) stored (n, k): each of m <= 2 rows of A (lda wide, at aOff) times the n
   * rows of B (ldb wide, at bOff), into C rows ldc wide at cOff, as DenseOp runs it at batch 1.
   */
  @Test
  void byRowsMatchesReference() {
    long seed = 1;
    for (int k : KS) {
      for (int n : ROWS) {
        for (float beta : new float[] {0f, 1f, 0.5f}) {
          int m = 1 + (int) (seed % 2);
          int pad = (int) (seed % 3);
          int lda = k + pad;
          int ldb = k + 2 * pad;
          int ldc = n + pad;
          int aOff = pad;
          int bOff = 3 * pad;
          int cOff = 2 * pad;
          float[] a = random(seed++, aOff + m * lda);
          float[] b = random(seed++, bOff + n * ldb);
          float[] c0 = random(seed++, cOff + m * ldc + pad);
          if (beta == 0f) {
            java.util.Arrays.fill(c0, Float.NaN);
          }
          float[] c = c0.clone();
          GemmSmall.byRows(false, true, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              int ci = cOff + i * ldc + j;
              String what = "byRows m=" + m + " n=" + n + " k=" + k + " beta=" + beta + " [" + i
                  + "][" + j + "]";
              assertNear(what, reference(a, aOff + i * lda, b, bOff + j * ldb, k, beta, c0[ci]),
                  c[ci]);
              if (beta == 0f) {
                assertEquals(GemmSmall.dot(a, aOff + i * lda, b, bOff + j * ldb, k), c[ci], what);
              }
              c[ci] = c0[ci];
            }
          }
          assertArrayEquals(c0, c, "byRows k=" + k + " n=" + n + ": wrote outside C");
        }
      }
    }
  }

  /**
   * byCols with op(A) stored (m, k): the m rows of A times each of n <= 2 columns of op(B),
   * which is read in place when B is transposed and gathered otherwise; C columns have stride
   * ldc.
   */
  @Test
  void byColsMatchesReference() {
    long seed = 1000;
    for (int k : KS) {
      for (int m : ROWS) {
        for (boolean tb : new boolean[] {false, true}) {
          float beta = tb ? 1f : 0f;
          int n = 1 + (int) (seed % 2);
          int pad = 1 + (int) (seed % 3);
          int lda = k + pad;
          int ldb = (tb ? k : n) + pad;
          int ldc = n + pad;
          int aOff = 2 * pad;
          int bOff = pad;
          int cOff = 3 * pad;
          float[] a = random(seed++, aOff + m * lda);
          float[] b = random(seed++, bOff + (tb ? n : k) * ldb);
          float[] c0 = random(seed++, cOff + m * ldc);
          float[] c = c0.clone();
          GemmSmall.byCols(false, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
          for (int j = 0; j < n; j++) {
            float[] x = new float[k];
            for (int t = 0; t < k; t++) {
              x[t] = tb ? b[bOff + j * ldb + t] : b[bOff + t * ldb + j];
            }
            for (int i = 0; i < m; i++) {
              int ci = cOff + i * ldc + j;
              String what = "byCols m=" + m + " n=" + n + " k=" + k + " transB=" + tb + " [" + i
                  + "][" + j + "]";
              assertNear(what, reference(x, 0, a, aOff + i * lda, k, beta, c0[ci]), c[ci]);
              if (beta == 0f) {
                assertEquals(GemmSmall.dot(x, 0, a, aOff + i * lda, k), c[ci], what);
              }
              c[ci] = c0[ci];
            }
          }
          assertArrayEquals(c0, c, "byCols k=" + k + " m=" + m + ": wrote outside C");
        }
      }
    }
  }

  /**
   * The same product run many times (long enough for the JIT to compile the kernel midway) and
   * with 1, 2 and 3 threads gives the same bits every time, and each row the bits of a lone dot.
   */
  @Test
  void repeatedCallsAndThreadCountsGiveTheSameBits() {
    for (int[] s : new int[][] {{301, 784}, {1001, 300}, {9, 785}}) {
      int n = s[0];
      int k = s[1];
      float[] x = random(n, k);
      float[] w = random(k, n * k);
      float[] first = new float[n];
      GemmSmall.byRows(false, true, 1, n, k, x, 0, k, w, 0, k, 0f, first, 0, n);
      for (int j = 0; j < n; j++) {
        assertEquals(GemmSmall.dot(x, 0, w, j * k, k), first[j], "row " + j + " of " + n);
      }
      float[] y = new float[n];
      int calls = (int) Math.min(20_000, 200_000_000L / ((long) n * k) + 1);
      for (int call = 0; call < calls; call++) {
        GemmSmall.byRows(false, true, 1, n, k, x, 0, k, w, 0, k, 0f, y, 0, n);
        if (call % 97 == 0) {
          assertArrayEquals(first, y, n + "x" + k + ", call " + call);
        }
      }
      assertArrayEquals(first, y, n + "x" + k + ", last call");
      for (int t = 1; t <= 3; t++) {
        float[] yt = new float[n];
        withThreads(t, () -> Gemm.sgemm(false, true, 1, n, k, x, 0, k, w, 0, k, 0f, yt, 0, n));
        assertArrayEquals(first, yt, n + "x" + k + " with " + t + " threads");
      }
    }
  }
}
