package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.abs;
import static dev.whittle.kernel.KernelAsserts.assertClose;
import static dev.whittle.kernel.KernelAsserts.random;
import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BinaryGemm against the float GEMM of the unpacked +alpha/-alpha matrix and the double
 * reference. Tolerance: the GemmTest rule, 1e-4 * (1 + sum_p |x_ip| * |alpha_j|).
 */
class BinaryGemmTest {

  private static final int[] ROWS = {1, 2, 3, 4, 17, 64};
  private static final int[] SIZES = {1, 3, 7, 17, 33, 64, 100, 257, 784};

  private static long[] signs(long seed, int n, int k) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] w = new long[n * BitPack.words(k)];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextLong(); // padding bits random too: they must be ignored
    }
    return w;
  }

  private static float[] alphas(long seed, int n) {
    float[] a = random(seed, n);
    for (int i = 0; i < n; i++) {
      a[i] = 0.05f + Math.abs(a[i]);
    }
    return a;
  }

  /** (n, k) floats alpha[j] * s_jp. */
  private static float[] unpackScaled(long[] w, float[] alpha, int n, int k) {
    float[] s = BitPack.unpackSigns(w, n, k);
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        s[j * k + p] *= alpha[j];
      }
    }
    return s;
  }

  private static void check(int m, int n, int k, long seed) {
    int ldx = k + 3;
    int ldy = n + 2;
    float[] x = random(seed, 1 + m * ldx);
    long[] w = signs(seed + 1, n, k);
    float[] alpha = alphas(seed + 2, n);
    float[] y = random(seed + 3, 2 + m * ldy); // overwritten inside, untouched outside
    float[] y0 = y.clone();
    BinaryGemm.gemm(m, n, k, x, 1, ldx, w, 0, alpha, y, 2, ldy);
    float[] dense = unpackScaled(w, alpha, n, k);
    float[] viaGemm = y0.clone();
    Gemm.sgemm(false, true, m, n, k, x, 1, ldx, dense, 0, Math.max(1, k), 0f, viaGemm, 2, ldy);
    float[] ref = y0.clone();
    QuantKernelsReference.binaryGemm(m, n, k, x, 1, ldx, w, 0, alpha, ref, 2, ldy);
    float[] scale = new float[y.length];
    Gemm.sgemm(false, true, m, n, k, abs(x), 1, ldx, abs(dense), 0, Math.max(1, k), 0f, scale, 2,
        ldy);
    String what = "m=" + m + " n=" + n + " k=" + k;
    assertClose(what + " vs float GEMM", viaGemm, y, scale);
    assertClose(what + " vs reference", ref, y, scale);
    for (int i = 0; i < y.length; i++) {
      int rel = i - 2;
      if (rel < 0 || rel / ldy >= m || rel % ldy >= n) {
        assertEquals(y0[i], y[i], what + ": wrote outside Y at " + i);
      }
    }
  }

  @Test
  void twoByThreeByHand() {
    // X = [1 2 3; -1 0.5 4], S = [+ + +; - + -; + - -], alpha = [1, 0.5, 2]
    float[] x = {1, 2, 3, -1, 0.5f, 4};
    long[] w = BitPack.packSigns(new float[] {1, 1, 1, -1, 1, -1, 1, -1, -1}, 3, 3);
    float[] alpha = {1, 0.5f, 2};
    float[] y = new float[6];
    BinaryGemm.gemm(2, 3, 3, x, 0, 3, w, 0, alpha, y, 0, 3);
    // row 0: 6, 0.5 * (-1 + 2 - 3) = -1, 2 * (1 - 2 - 3) = -8
    // row 1: 3.5, 0.5 * (1 + 0.5 - 4) = -1.25, 2 * (-1 - 0.5 - 4) = -11
    assertArrayEquals(new float[] {6, -1, -8, 3.5f, -1.25f, -11}, y);
  }

  @Test
  void smallAndLargeBatchesMatchTheFloatGemm() {
    SplittableRandom r = new SplittableRandom(5);
    long seed = 1;
    for (int m : ROWS) {
      for (int t = 0; t < 8; t++) {
        int n = SIZES[r.nextInt(SIZES.length)];
        int k = SIZES[r.nextInt(SIZES.length)];
        check(m, n, k, seed);
        seed += 4;
      }
    }
    check(1, 300, 784, 900);
    check(256, 300, 784, 901);
    check(1, 1024, 1024, 902);
    check(3, 5, 65, 903);
    check(5, 1, 0, 904);
  }

  @Test
  void resultsAreIdenticalForAnyThreadCount() {
    int[][] shapes = {{1, 1024, 1024}, {1, 300, 784}, {2, 1001, 129}, {256, 300, 784}};
    long seed = 50;
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] x = random(seed++, m * k);
      long[] w = signs(seed++, n, k);
      float[] alpha = alphas(seed++, n);
      float[][] out = new float[2][];
      for (int t = 1; t <= 2; t++) {
        float[] y = new float[m * n];
        withThreads(t, () -> BinaryGemm.gemm(m, n, k, x, 0, k, w, 0, alpha, y, 0, n));
        out[t - 1] = y;
      }
      assertArrayEquals(out[0], out[1], Arrays.toString(s) + ": 1 vs 2 threads");
    }
  }

  @Test
  void rejectsBadArguments() {
    float[] x = new float[8];
    long[] w = new long[2];
    float[] alpha = new float[2];
    float[] y = new float[4];
    assertThrows(IllegalArgumentException.class,
        () -> BinaryGemm.gemm(2, 2, -1, x, 0, 4, w, 0, alpha, y, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> BinaryGemm.gemm(2, 2, 4, x, 0, 3, w, 0, alpha, y, 0, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> BinaryGemm.gemm(2, 2, 4, x, 1, 4, w, 0, alpha, y, 0, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> BinaryGemm.gemm(2, 3, 4, x, 0, 4, w, 0, new float[3], new float[6], 0, 3));
    assertThrows(IllegalArgumentException.class,
        () -> BinaryGemm.gemm(2, 2, 4, x, 0, 4, w, 0, new float[1], y, 0, 2));
  }
}
