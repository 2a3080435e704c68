package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Int8Gemm against QuantKernelsReference: integer results, so equality is exact. */
class Int8GemmTest {

  private static final int[] SIZES = {1, 3, 7, 17, 33, 64, 100, 257, 784};
  private static final int SENTINEL = 0x5eed;

  /** Where C goes: (m, n) row-major with padding, its transpose, or neither stride 1. */
  private enum Layout { DIRECT, TRANSPOSED, STRIDED }

  private static byte[] activations(long seed, int len) {
    byte[] a = new byte[len];
    new SplittableRandom(seed).nextBytes(a);
    return a;
  }

  /** n*k weights in the range of the given width. */
  private static byte[] weights(long seed, int len, int bits) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (r.nextInt(1 << bits) - (1 << (bits - 1)));
    }
    return b;
  }

  private static Int8Gemm.Packed pack(byte[] b, int bits, int n, int k) {
    return bits == 8 ? Int8Gemm.pack(b, n, k) : Int8Gemm.pack(BitPack.pack(b, bits), bits, n, k);
  }

  /**
   * Runs the kernel with A at an offset and a padded leading dimension and C in the given layout
   * (inside a sentinel-filled array), compares with the reference, checks nothing else changed.
   */
  private static int[] check(int m, int n, int k, byte[] a, byte[] b, int bits, Layout layout,
      String what) {
    int aOff = 3;
    int lda = k + 5;
    byte[] ap = new byte[aOff + m * lda];
    Arrays.fill(ap, (byte) 0x77); // padding bytes must not be read into the sums
    for (int i = 0; i < m; i++) {
      System.arraycopy(a, i * k, ap, aOff + i * lda, k);
    }
    int cOff = 2;
    int csRow = switch (layout) {
      case DIRECT -> n + 1;
      case TRANSPOSED -> 1;
      case STRIDED -> 2 * n + 1;
    };
    int csCol = switch (layout) {
      case DIRECT -> 1;
      case TRANSPOSED -> m + 2;
      case STRIDED -> 2;
    };
    int len = cOff + (m - 1) * csRow + (n - 1) * csCol + 4;
    int[] fast = new int[len];
    int[] ref = new int[len];
    Arrays.fill(fast, SENTINEL);
    Arrays.fill(ref, SENTINEL);
    Int8Gemm.gemm(m, ap, aOff, lda, pack(b, bits, n, k), fast, cOff, csRow, csCol);
    QuantKernelsReference.int8Gemm(m, n, k, ap, aOff, lda, b, ref, cOff, csRow, csCol);
    assertArrayEquals(ref, fast, what + " " + layout);
    return fast;
  }

  @Test
  void twoByThreeByHand() {
    // A = [1 255; 2 0] (uint8), B = [1 -1; 127 -128; 0 2]
    byte[] a = {1, (byte) 255, 2, 0};
    byte[] b = {1, -1, 127, -128, 0, 2};
    Int8Gemm.Packed p = Int8Gemm.pack(b, 3, 2);
    int[] c = new int[6];
    Int8Gemm.gemm(2, a, 0, 2, p, c, 0, 3, 1);
    // 1 - 255, 127 - 255*128, 2*255; 2, 254, 0
    assertArrayEquals(new int[] {-254, -32513, 510, 2, 254, 0}, c);
    int[] ct = new int[6];
    Int8Gemm.gemm(2, a, 0, 2, p, ct, 0, 1, 2);
    assertArrayEquals(new int[] {-254, 2, -32513, 254, 510, 0}, ct);
    assertArrayEquals(new int[] {0, -1, 2}, p.rowSums());
    assertArrayEquals(b, p.unpack());
  }

  @Test
  void randomShapesAllLayoutsAndWidths() {
    SplittableRandom r = new SplittableRandom(7);
    long seed = 1;
    for (int t = 0; t < 40; t++) {
      int m = SIZES[r.nextInt(SIZES.length)];
      int n = SIZES[r.nextInt(SIZES.length)];
      int k = SIZES[r.nextInt(SIZES.length)];
      if ((long) m * n * k > 30_000_000L) {
        k = SIZES[r.nextInt(4)];
      }
      int bits = new int[] {8, 4, 2}[t % 3];
      byte[] a = activations(seed++, m * k);
      byte[] b = weights(seed++, n * k, bits);
      for (Layout layout : Layout.values()) {
        check(m, n, k, a, b, bits, layout, "m=" + m + " n=" + n + " k=" + k + " bits=" + bits);
      }
    }
  }

  @Test
  void everySmallShape() {
    int seed = 100;
    int[] small = {1, 3, 7, 17, 33};
    for (int m : small) {
      for (int n : small) {
        for (int k : small) {
          int bits = seed % 3 == 0 ? 8 : seed % 3 == 1 ? 4 : 2;
          byte[] a = activations(seed++, m * k);
          byte[] b = weights(seed++, n * k, bits);
          for (Layout layout : Layout.values()) {
            check(m, n, k, a, b, bits, layout, "m=" + m + " n=" + n + " k=" + k);
          }
        }
      }
    }
  }

  @Test
  void extremeValuesStayExactAcrossKBlocks() {
    // |sum| up to 1000 * 255 * 128 = 32.6M > 2^24: only exact if every float block stays < 2^24
    for (int k : new int[] {255, 256, 257, 511, 513, 1000}) {
      int m = 9;
      int n = 19;
      byte[] a = new byte[m * k];
      Arrays.fill(a, (byte) 255);
      for (byte w : new byte[] {-128, 127}) {
        byte[] b = new byte[n * k];
        Arrays.fill(b, w);
        for (Layout layout : Layout.values()) {
          int[] c = check(m, n, k, a, b, 8, layout, "k=" + k + " b=" + w);
          assertEquals(255 * w * k, c[2], "k=" + k + " b=" + w);
        }
      }
      byte[] mixed = new byte[n * k];
      for (int i = 0; i < mixed.length; i++) {
        mixed[i] = (byte) (i % 3 == 0 ? -128 : 127);
      }
      check(m, n, k, a, mixed, 8, Layout.DIRECT, "k=" + k + " mixed extremes");
      check(m, n, k, a, weights(k, n * k, 4), 4, Layout.TRANSPOSED, "k=" + k + " int4");
    }
  }

  @Test
  void narrowWidthsStayNarrowAndAcceptAnyBitPackWidth() {
    int n = 300;
    int k = 784;
    assertEquals(19L * 16 * 784, Int8Gemm.pack(new byte[n * k], n, k).bytes());
    for (int bits = 1; bits <= 8; bits++) {
      byte[] b = weights(bits, n * k, bits);
      Int8Gemm.Packed p = Int8Gemm.pack(BitPack.pack(b, bits), bits, n, k);
      int stored = bits <= 2 ? 2 : bits <= 4 ? 4 : 8;
      assertEquals(stored, p.bits(), bits + " bits");
      assertEquals(19L * 16 * 784 * stored / 8, p.bytes(), bits + " bits");
      assertArrayEquals(b, p.unpack(), bits + " bits");
      int[] sums = new int[n];
      for (int i = 0; i < b.length; i++) {
        sums[i / k] += b[i];
      }
      assertArrayEquals(sums, p.rowSums(), bits + " bits");
      byte[] a = activations(bits, 5 * k);
      check(5, n, k, a, b, bits, Layout.DIRECT, bits + " bits");
    }
  }

  @Test
  void resultsAreIdenticalForAnyThreadCount() {
    int[][] shapes = {{256, 300, 784}, {2304, 20, 25}, {1024, 50, 500}, {3, 1000, 64},
        {1000, 3, 64}, {33, 257, 17}};
    long seed = 300;
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      byte[] a = activations(seed++, m * k);
      Int8Gemm.Packed p = Int8Gemm.pack(weights(seed++, n * k, 8), n, k);
      for (boolean transposed : new boolean[] {false, true}) {
        int[][] out = new int[3][];
        for (int t = 1; t <= 3; t++) {
          int[] c = new int[m * n];
          withThreads(t, () -> Int8Gemm.gemm(m, a, 0, k, p, c, 0, transposed ? 1 : n,
              transposed ? m : 1));
          out[t - 1] = c;
        }
        String what = Arrays.toString(s) + (transposed ? " C^T" : " C");
        assertArrayEquals(out[0], out[1], what + ": 1 vs 2 threads");
        assertArrayEquals(out[0], out[2], what + ": 1 vs 3 threads");
      }
    }
    // and the parallel result is the reference one
    withThreads(2, () -> check(256, 300, 784, activations(1, 256 * 784),
        weights(2, 300 * 784, 8), 8, Layout.TRANSPOSED, "2 threads"));
  }

  @Test
  void zeroDepthWritesZerosAndEmptyShapesAreNoOps() {
    Int8Gemm.Packed p = Int8Gemm.pack(new byte[0], 3, 0);
    int[] c = {1, 2, 3, 4, 5, 6};
    Int8Gemm.gemm(2, new byte[0], 0, 0, p, c, 0, 3, 1);
    assertArrayEquals(new int[6], c);
    int[] d = {7};
    Int8Gemm.gemm(0, new byte[0], 0, 0, p, d, 0, 1, 1);
    Int8Gemm.gemm(4, new byte[8], 0, 2, Int8Gemm.pack(new byte[0], 0, 2), d, 0, 1, 1);
    assertArrayEquals(new int[] {7}, d);
  }

  @Test
  void rejectsBadArguments() {
    Int8Gemm.Packed p = Int8Gemm.pack(new byte[6], 3, 2);
    byte[] a = new byte[4];
    int[] c = new int[6];
    assertThrows(IllegalArgumentException.class, () -> Int8Gemm.pack(new byte[5], 3, 2));
    assertThrows(IllegalArgumentException.class, () -> Int8Gemm.pack(new byte[1], 4, 3, 2));
    assertThrows(IllegalArgumentException.class, () -> Int8Gemm.gemm(-1, a, 0, 2, p, c, 0, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> Int8Gemm.gemm(2, a, 0, 1, p, c, 0, 3, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> Int8Gemm.gemm(2, a, 1, 2, p, c, 0, 3, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> Int8Gemm.gemm(2, a, 0, 2, p, c, 1, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> Int8Gemm.gemm(2, a, 0, 2, p, c, 0, 0, 1));
  }
}
