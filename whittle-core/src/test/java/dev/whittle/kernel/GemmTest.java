package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.abs;
import static dev.whittle.kernel.KernelAsserts.assertClose;
import static dev.whittle.kernel.KernelAsserts.random;
import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gemm against the double-accumulating GemmReference. Tolerance: |c - ref| <= 1e-4 * (1 + sum of
 * |terms|), the sum being |beta c| + sum_p |a b| (the reference run on absolute values).
 */
class GemmTest {

  private static final int[] SIZES = {1, 3, 17, 100, 257};

  /** One problem: operands laid out with offsets and leading dimensions wider than needed. */
  private record Problem(boolean ta, boolean tb, int m, int n, int k, float beta, long seed) {
    int aRows() {
      return ta ? k : m;
    }

    int aCols() {
      return ta ? m : k;
    }

    int bRows() {
      return tb ? n : k;
    }

    int bCols() {
      return tb ? k : n;
    }
  }

  /** Runs fast and reference on identical inputs and compares within tolerance. */
  private static void check(Problem p, int pad) {
    int lda = p.aCols() + pad;
    int ldb = p.bCols() + pad;
    int ldc = p.n() + pad;
    int aOff = pad;
    int bOff = 2 * pad;
    int cOff = 3 * pad;
    float[] a = random(p.seed(), aOff + p.aRows() * lda + 1);
    float[] b = random(p.seed() + 1, bOff + p.bRows() * ldb + 1);
    float[] c0 = random(p.seed() + 2, cOff + p.m() * ldc + 1);
    float[] fast = c0.clone();
    float[] ref = c0.clone();
    Gemm.sgemm(p.ta(), p.tb(), p.m(), p.n(), p.k(), a, aOff, lda, b, bOff, ldb, p.beta(), fast,
        cOff, ldc);
    GemmReference.sgemm(p.ta(), p.tb(), p.m(), p.n(), p.k(), a, aOff, lda, b, bOff, ldb,
        p.beta(), ref, cOff, ldc);
    float[] scale = abs(c0);
    GemmReference.sgemm(p.ta(), p.tb(), p.m(), p.n(), p.k(), abs(a), aOff, lda, abs(b), bOff,
        ldb, Math.abs(p.beta()), scale, cOff, ldc);
    String what = p + " pad " + pad;
    assertClose(what, ref, fast, scale);
    // elements outside the logical C (padding columns, before/after) must be untouched
    for (int i = 0; i < c0.length; i++) {
      int rel = i - cOff;
      boolean inside = rel >= 0 && rel / ldc < p.m() && rel % ldc < p.n();
      if (!inside) {
        assertEquals(c0[i], fast[i], what + ": wrote outside C at " + i);
      }
    }
  }

  @Test
  void allTransposeCombosBetasAndOddShapes() {
    SplittableRandom r = new SplittableRandom(42);
    int count = 0;
    for (int combo = 0; combo < 4; combo++) {
      boolean ta = (combo & 1) != 0;
      boolean tb = (combo & 2) != 0;
      for (float beta : new float[] {0f, 1f, 0.5f}) {
        // every small shape, then a seeded sample of shapes that include 100 and 257
        for (int m : new int[] {1, 3, 17}) {
          for (int n : new int[] {1, 3, 17}) {
            for (int k : new int[] {1, 3, 17}) {
              check(new Problem(ta, tb, m, n, k, beta, count++), count % 3);
            }
          }
        }
        for (int t = 0; t < 6; t++) {
          int m = SIZES[r.nextInt(SIZES.length)];
          int n = SIZES[r.nextInt(SIZES.length)];
          int k = SIZES[3 + r.nextInt(2)];
          check(new Problem(ta, tb, m, n, k, beta, count++), 1 + r.nextInt(5));
        }
      }
    }
  }

  @Test
  void bigSquareAndLayerShapes() {
    check(new Problem(false, false, 512, 512, 512, 0f, 7), 0);
    check(new Problem(false, true, 64, 300, 784, 0f, 8), 0); // dense forward
    check(new Problem(true, false, 300, 784, 64, 1f, 9), 0); // dense weight gradient
    check(new Problem(false, false, 64, 784, 300, 0f, 10), 0); // dense input gradient
    check(new Problem(true, true, 129, 70, 600, 1f, 11), 3);
  }

  @Test
  void skinnyShapesUseAllPaths() {
    int[][] shapes = {{1, 300, 784}, {2, 257, 100}, {300, 1, 784}, {257, 2, 100}, {1, 1, 1000},
        {3, 17, 1}, {1, 5000, 3}, {5000, 1, 3}};
    long seed = 100;
    for (int[] s : shapes) {
      for (int combo = 0; combo < 4; combo++) {
        check(new Problem((combo & 1) != 0, (combo & 2) != 0, s[0], s[1], s[2], 0.5f, seed++), 2);
      }
    }
  }

  @Test
  void nanInCIsIgnoredWhenBetaIsZero() {
    for (int[] s : new int[][] {{17, 33, 9}, {1, 20, 5}, {20, 1, 5}, {4, 4, 0}}) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] a = random(1, m * k);
      float[] b = random(2, k * n);
      float[] c = new float[m * n];
      Arrays.fill(c, Float.NaN);
      Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
      for (float v : c) {
        assertFalse(Float.isNaN(v), "NaN survived beta = 0 for " + Arrays.toString(s));
      }
    }
  }

  @Test
  void zeroDepthScalesC() {
    float[] c = {1, 2, 3, 4, 5, 6};
    Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
    assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, c);
    Gemm.sgemm(true, true, 2, 3, 0, null, 0, 1, null, 0, 1, 0f, c, 0, 3);
    assertArrayEquals(new float[6], c);
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    int[][] shapes = {{512, 512, 512}, {64, 300, 784}, {300, 784, 64}, {1, 3000, 400},
        {3000, 2, 400}, {37, 1001, 300}, {1001, 37, 300}};
    long seed = 500;
    for (int[] s : shapes) {
      for (int combo = 0; combo < 4; combo++) {
        boolean ta = (combo & 1) != 0;
        boolean tb = (combo & 2) != 0;
        int m = s[0];
        int n = s[1];
        int k = s[2];
        float[] a = random(seed++, m * k);
        float[] b = random(seed++, k * n);
        float[] c0 = random(seed++, m * n);
        float[][] out = new float[3][];
        for (int t = 1; t <= 3; t++) {
          float[] c = c0.clone();
          withThreads(t, () -> Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n,
              1f, c, 0, n));
          out[t - 1] = c;
        }
        String what = Arrays.toString(s) + " ta=" + ta + " tb=" + tb;
        assertArrayEquals(out[0], out[1], what + ": 1 vs 2 threads");
        assertArrayEquals(out[0], out[2], what + ": 1 vs 3 threads");
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    float[] x = new float[16];
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, x, 0, 2, x, 0, 2, 0f, x, 0, 2)); // lda < k
    assertThrows(IndexOutOfBoundsException.class,
        () -> Gemm.sgemm(false, false, 4, 4, 4, x, 1, 4, x, 0, 4, 0f, x, 0, 4)); // A overruns
    assertThrows(IndexOutOfBoundsException.class,
        () -> Gemm.sgemm(false, false, 4, 4, 4, x, 0, 4, x, 0, 4, 0f, x, -1, 4));
  }
}
