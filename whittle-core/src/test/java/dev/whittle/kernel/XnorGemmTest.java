package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** XnorGemm against QuantKernelsReference and against integer products of unpacked +1/-1. */
class XnorGemmTest {

  private static final int[] SIZES = {1, 3, 7, 17, 33, 64, 100, 257};
  private static final int[] DEPTHS = {1, 7, 63, 64, 65, 255, 256, 257, 300, 784, 1000, 1024};

  /** rows x words(k) random words; padding bits random too unless clean. */
  private static long[] bits(long seed, int rows, int k, boolean clean) {
    SplittableRandom r = new SplittableRandom(seed);
    int w = BitPack.words(k);
    long[] x = new long[rows * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextLong();
    }
    if (clean && k % 64 != 0) {
      for (int row = 0; row < rows; row++) {
        x[row * w + w - 1] &= (1L << (k % 64)) - 1;
      }
    }
    return x;
  }

  /** sum_p a_ip b_jp from the unpacked +1/-1 matrices, as plain integer arithmetic. */
  private static int[] viaUnpacked(int m, int n, int k, long[] a, long[] b) {
    float[] ua = BitPack.unpackSigns(a, m, k);
    float[] ub = BitPack.unpackSigns(b, n, k);
    int[] c = new int[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int s = 0;
        for (int p = 0; p < k; p++) {
          s += (int) (ua[i * k + p] * ub[j * k + p]);
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  @Test
  void twoByThreeByHand() {
    long[] a = BitPack.packSigns(new float[] {1, -1, 1, -1, -1, -1}, 2, 3);
    long[] b = BitPack.packSigns(new float[] {1, 1, 1, -1, 1, -1, 1, -1, 1}, 3, 3);
    int[] c = new int[6];
    XnorGemm.gemm(2, 3, 3, a, 0, b, 0, c, 0, 3, 1);
    // row 0 = (+ - +): with (+ + +) 1, with (- + -) -3, with (+ - +) 3; row 1 = (- - -): -3, 1, -1
    assertArrayEquals(new int[] {1, -3, 3, -3, 1, -1}, c);
    int[] ct = new int[6];
    XnorGemm.gemm(2, 3, 3, a, 0, b, 0, ct, 0, 1, 2);
    assertArrayEquals(new int[] {1, -3, -3, 1, 3, -1}, ct);
  }

  @Test
  void paddingBitsNeverCount() {
    SplittableRandom r = new SplittableRandom(3);
    for (int k : DEPTHS) {
      int m = 1 + r.nextInt(20);
      int n = 1 + r.nextInt(20);
      long[] a = bits(k, m, k, true);
      long[] b = bits(k + 1, n, k, true);
      int[] clean = new int[m * n];
      XnorGemm.gemm(m, n, k, a, 0, b, 0, clean, 0, n, 1);
      assertArrayEquals(viaUnpacked(m, n, k, a, b), clean, "k=" + k);
      // set every padding bit in A only: xor would count them if they were not masked
      int w = BitPack.words(k);
      long[] dirty = a.clone();
      if (k % 64 != 0) {
        for (int row = 0; row < m; row++) {
          dirty[row * w + w - 1] |= -1L << (k % 64);
        }
      }
      int[] c = new int[m * n];
      XnorGemm.gemm(m, n, k, dirty, 0, b, 0, c, 0, n, 1);
      assertArrayEquals(clean, c, "k=" + k + " with padding bits set");
    }
  }

  @Test
  void randomShapesBothLayoutsAgainstTheReference() {
    SplittableRandom r = new SplittableRandom(11);
    long seed = 20;
    for (int t = 0; t < 60; t++) {
      int m = SIZES[r.nextInt(SIZES.length)];
      int n = SIZES[r.nextInt(SIZES.length)];
      int k = DEPTHS[r.nextInt(DEPTHS.length)];
      int w = BitPack.words(k);
      int aOff = r.nextInt(3);
      int bOff = r.nextInt(3);
      long[] a = bits(seed++, m + 2, k, false); // garbage padding, spare rows for the offset
      long[] b = bits(seed++, n + 2, k, false);
      String what = "m=" + m + " n=" + n + " k=" + k;
      for (boolean transposed : new boolean[] {false, true}) {
        int csRow = transposed ? 1 : n + 2;
        int csCol = transposed ? m + 1 : 1;
        int len = 1 + (m - 1) * csRow + (n - 1) * csCol + 3;
        int[] fast = new int[len];
        int[] ref = new int[len];
        Arrays.fill(fast, -7);
        Arrays.fill(ref, -7);
        XnorGemm.gemm(m, n, k, a, aOff, b, bOff, fast, 1, csRow, csCol);
        QuantKernelsReference.xnorGemm(m, n, k, a, aOff, b, bOff, ref, 1, csRow, csCol);
        assertArrayEquals(ref, fast, what + (transposed ? " C^T" : " C") + " words " + w);
      }
    }
  }

  @Test
  void resultsAreIdenticalForAnyThreadCount() {
    int[][] shapes = {{256, 1024, 1024}, {3, 300, 784}, {300, 3, 784}, {17, 33, 65}};
    long seed = 40;
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      long[] a = bits(seed++, m, k, false);
      long[] b = bits(seed++, n, k, false);
      int[][] out = new int[2][];
      for (int t = 1; t <= 2; t++) {
        int[] c = new int[m * n];
        withThreads(t, () -> XnorGemm.gemm(m, n, k, a, 0, b, 0, c, 0, n, 1));
        out[t - 1] = c;
      }
      assertArrayEquals(out[0], out[1], Arrays.toString(s) + ": 1 vs 2 threads");
      int[] ref = new int[m * n];
      QuantKernelsReference.xnorGemm(m, n, k, a, 0, b, 0, ref, 0, n, 1);
      assertArrayEquals(ref, out[1], Arrays.toString(s) + ": reference");
    }
  }

  @Test
  void zeroDepthGivesZeros() {
    int[] c = {5, 5};
    XnorGemm.gemm(1, 2, 0, new long[0], 0, new long[0], 0, c, 0, 2, 1);
    assertArrayEquals(new int[2], c);
  }

  @Test
  void rejectsBadArguments() {
    long[] x = new long[4];
    int[] c = new int[4];
    assertThrows(IllegalArgumentException.class, () -> XnorGemm.gemm(-1, 2, 64, x, 0, x, 0, c, 0,
        2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> XnorGemm.gemm(2, 2, 65, x, 1, x, 0, c, 0,
        2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> XnorGemm.gemm(2, 2, 64, x, 0, x, 0, c, 1,
        2, 1));
    assertThrows(IllegalArgumentException.class, () -> XnorGemm.gemm(2, 2, 64, x, 0, x, 0, c, 0,
        2, 0));
  }
}
