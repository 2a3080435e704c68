package dev.whittle.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float activations x binary weights with a per-output scale (BinaryConnect / XNOR-Net's BWN,
 * Rastegari et al. 2016, eq. 4): weights S (n, k) are +1/-1 in {@link BitPack} sign-bit rows
 * (1 bit each, 1/32 of float32), and
 *
 * <pre>y[yOff + i*ldy + j] = alpha[j] * sum_p x[xOff + i*ldx + p] * s_jp</pre>
 *
 * <p>How it runs: up to three rows of X ({@code GEMV_ROWS}), a matrix-vector loop reads the bits
 * directly: each weight byte selects one of 256 precomputed 8-lane +1/-1 patterns, multiplied
 * into an FMA chain against 8 activations; four outputs share each activation load, with two
 * chains each. That is about five instructions per 8 multiply-adds (byte extract, index, pattern
 * load, FMA), against two for float GEMV, but the weight stream is 1 bit per multiply-add
 * instead of 32. Measured slower here: a mask per byte ({@code VectorMask.fromLong} + masked
 * add, 0.5x float GEMV) and LUT-GEMM (per 8 activations a table of the 256 signed sums, one
 * scalar load and add per weight byte, 0.6x). Larger batches unpack the weights once per call
 * to float +alpha/-alpha rows and run {@link Gemm#sgemm}, which is compute-bound there anyway.
 * Each output's arithmetic depends on the shape only: identical for any thread count.
 */
public final class BinaryGemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  /** Up to this many rows of X run the matrix-vector loop; more unpack and call sgemm. */
  static final int GEMV_ROWS = 3;
  /** Outputs computed together, sharing activation loads. */
  private static final int JR = 4;
  /** Below this many multiply-adds the matrix-vector loop runs on the calling thread. */
  private static final long PARALLEL_WORK = 1L << 16;
  /** SIGNS[8b + t] = +1 if bit t of byte b is set, else -1. */
  private static final float[] SIGNS = new float[256 * 8];

  static {
    for (int v = 0; v < 256; v++) {
      for (int t = 0; t < 8; t++) {
        SIGNS[v * 8 + t] = (v >>> t & 1) != 0 ? 1f : -1f;
      }
    }
  }

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private BinaryGemm() {}

  /**
   * Y (m, n) = X (m, k) S^T scaled by alpha[j] per column; row j of S at w[wOff + j*words(k)];
   * Y is overwritten.
   */
  public static void gemm(int m, int n, int k, float[] x, int xOff, int ldx, long[] w, int wOff,
      float[] alpha, float[] y, int yOff, int ldy) {
    checkArgs(m, n, k, x, xOff, ldx, w, wOff, alpha, y, yOff, ldy);
    if (Kernels.scalar()) {
      QuantKernelsReference.binaryGemm(m, n, k, x, xOff, ldx, w, wOff, alpha, y, yOff, ldy);
      return;
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (m > GEMV_ROWS) {
      float[] ws = unpackScaled(n, k, w, wOff, alpha);
      Gemm.sgemm(false, true, m, n, k, x, xOff, ldx, ws, 0, Math.max(1, k), 0f, y, yOff, ldy);
      return;
    }
    for (int i = 0; i < m; i++) {
      int xi = xOff + i * ldx;
      int yi = yOff + i * ldy;
      if ((long) n * k < PARALLEL_WORK || Parallel.threads() == 1 || Parallel.inParallelRegion()) {
        rows(0, n, k, x, xi, w, wOff, alpha, y, yi);
      } else {
        Parallel.forRange((n + JR - 1) / JR, (u0, u1) ->
            rows(u0 * JR, Math.min(n, u1 * JR), k, x, xi, w, wOff, alpha, y, yi));
      }
    }
  }

  /** y[yi + j] for j in [j0, j1): groups of four outputs, then single ones. */
  private static void rows(int j0, int j1, int k, float[] x, int xi, long[] w, int wOff,
      float[] alpha, float[] y, int yi) {
    int words = BitPack.words(k);
    int j = j0;
    for (; j + JR <= j1; j += JR) {
      dot4(k, x, xi, w, wOff + j * words, words, alpha, j, y, yi + j);
    }
    for (; j < j1; j++) {
      y[yi + j] = alpha[j] * dot(k, x, xi, w, wOff + j * words);
    }
  }

  /**
   * Four outputs, two FMA chains each (even and odd weight bytes): per 16 activations, each
   * row's next two weight bytes select their +1/-1 patterns. A row's word is loaded once per 64
   * activations and its bytes taken with constant shifts; whole bytes past the last whole word,
   * then single bits, go through the scalar-ordered tail.
   */
  private static void dot4(int k, float[] x, int xi, long[] w, int w0, int words, float[] alpha,
      int j, float[] y, int yj) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    FloatVector t0 = s0;
    FloatVector t1 = s0;
    FloatVector t2 = s0;
    FloatVector t3 = s0;
    int w1 = w0 + words;
    int w2 = w1 + words;
    int w3 = w2 + words;
    int full = k >>> 6;
    for (int q = 0; q < full; q++) {
      long v0 = w[w0 + q];
      long v1 = w[w1 + q];
      long v2 = w[w2 + q];
      long v3 = w[w3 + q];
      int xq = xi + 64 * q;
      for (int u = 0; u < 64; u += 16) {
        FloatVector xe = FloatVector.fromArray(S, x, xq + u);
        FloatVector xo = FloatVector.fromArray(S, x, xq + u + 8);
        s0 = xe.fma(pattern(v0 >>> u), s0);
        s1 = xe.fma(pattern(v1 >>> u), s1);
        s2 = xe.fma(pattern(v2 >>> u), s2);
        s3 = xe.fma(pattern(v3 >>> u), s3);
        t0 = xo.fma(pattern(v0 >>> (u + 8)), t0);
        t1 = xo.fma(pattern(v1 >>> (u + 8)), t1);
        t2 = xo.fma(pattern(v2 >>> (u + 8)), t2);
        t3 = xo.fma(pattern(v3 >>> (u + 8)), t3);
      }
    }
    int p0 = full << 6;
    y[yj] = alpha[j] * finish(s0.add(t0), p0, k, x, xi, w, w0);
    y[yj + 1] = alpha[j + 1] * finish(s1.add(t1), p0, k, x, xi, w, w1);
    y[yj + 2] = alpha[j + 2] * finish(s2.add(t2), p0, k, x, xi, w, w2);
    y[yj + 3] = alpha[j + 3] * finish(s3.add(t3), p0, k, x, xi, w, w3);
  }

  /** The +1/-1 lanes of the low byte of v. */
  private static FloatVector pattern(long v) {
    return FloatVector.fromArray(S, SIGNS, ((int) v & 0xFF) << 3);
  }

  private static float dot(int k, float[] x, int xi, long[] w, int wj) {
    return finish(FloatVector.zero(S), 0, k, x, xi, w, wj);
  }

  /**
   * Adds activations [p0, k) (p0 a multiple of 8) to the chain s, a weight byte at a time, sums
   * the lanes in a fixed order, then adds the bits past the last whole byte one by one.
   */
  private static float finish(FloatVector s, int p0, int k, float[] x, int xi, long[] w, int wj) {
    int k8 = k & ~7;
    for (int p = p0; p < k8; p += 8) {
      s = FloatVector.fromArray(S, x, xi + p).fma(pattern(w[wj + (p >>> 6)] >>> (p & 63)), s);
    }
    float sum = ((s.lane(0) + s.lane(1)) + (s.lane(2) + s.lane(3)))
        + ((s.lane(4) + s.lane(5)) + (s.lane(6) + s.lane(7)));
    for (int p = k8; p < k; p++) {
      boolean plus = (w[wj + (p >>> 6)] >>> p & 1) != 0;
      sum += plus ? x[xi + p] : -x[xi + p];
    }
    return sum;
  }

  /** Per-thread (n, k) float rows: alpha[j] * s_jp, eight lanes per weight byte. */
  private static float[] unpackScaled(int n, int k, long[] w, int wOff, float[] alpha) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < n * k) {
      holder[0] = new float[n * k];
    }
    float[] out = holder[0];
    int words = BitPack.words(k);
    int k8 = k & ~7;
    for (int j = 0; j < n; j++) {
      int wj = wOff + j * words;
      int d = j * k;
      float aj = alpha[j];
      for (int p = 0; p < k8; p += 8) {
        int b = (int) (w[wj + (p >>> 6)] >>> (p & 63) & 0xFF);
        FloatVector.fromArray(S, SIGNS, b << 3).mul(aj).intoArray(out, d + p);
      }
      for (int p = k8; p < k; p++) {
        out[d + p] = (w[wj + (p >>> 6)] >>> p & 1) != 0 ? aj : -aj;
      }
    }
    return out;
  }

  private static void checkArgs(int m, int n, int k, float[] x, int xOff, int ldx, long[] w,
      int wOff, float[] alpha, float[] y, int yOff, int ldy) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "binary gemm dimensions must be >= 0, got m=" + m + " n=" + n + " k=" + k);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (ldx < k || ldy < n) {
      throw new IllegalArgumentException("binary gemm: need ldx >= k and ldy >= n, got ldx="
          + ldx + " k=" + k + " ldy=" + ldy + " n=" + n);
    }
    if (k > 0 && (xOff < 0 || (long) xOff + (long) (m - 1) * ldx + k > x.length)) {
      throw new IndexOutOfBoundsException("binary gemm: X (" + m + ", " + k + ") at offset "
          + xOff + " with leading dimension " + ldx + " exceeds the array of " + x.length);
    }
    long words = BitPack.words(k);
    if (wOff < 0 || wOff + n * words > w.length) {
      throw new IndexOutOfBoundsException("binary gemm: weights (" + n + " rows of " + words
          + " words) at offset " + wOff + " exceed the array of " + w.length);
    }
    if (alpha.length < n) {
      throw new IllegalArgumentException("binary gemm: alpha has " + alpha.length
          + " scales, need n = " + n);
    }
    if (yOff < 0 || (long) yOff + (long) (m - 1) * ldy + n > y.length) {
      throw new IndexOutOfBoundsException("binary gemm: Y (" + m + ", " + n + ") at offset "
          + yOff + " with leading dimension " + ldy + " exceeds the array of " + y.length);
    }
  }
}
