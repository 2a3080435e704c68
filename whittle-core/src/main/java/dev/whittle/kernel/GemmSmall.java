package dev.whittle.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector paths for skinny GEMMs (one or two rows or columns of C), where packing would
 * cost as much as the arithmetic. Two shapes of work:
 *
 * <ul>
 *   <li>axpy form: y[j] = sum_p x[p] * M[p][j], vectorised along j, one FMA chain per j in p
 *       order; scalar tails use Math.fma, so an element's bits never depend on whether it fell
 *       in a vector body or a tail (and thus not on how the range was split across threads);
 *   <li>dot form: y[i] = dot(x, M[i]), whose lane structure depends on k alone; rows go two at a
 *       time, each summed exactly as a lone row is.
 * </ul>
 *
 * No lane reductions (reduceLanes) are used: their order is unspecified and could differ between
 * interpreted and compiled code; lanes are summed in a fixed scalar order instead.
 */
final class GemmSmall {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = 8;
  /** Below this many multiply-adds a matrix-vector product runs on the calling thread. */
  private static final long PARALLEL_WORK = 1L << 16;

  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[L]});

  private GemmSmall() {}

  /** src[off + p * ld] for p in [0, k), copied into a per-thread scratch vector. */
  private static float[] gather(int k, float[] src, int off, int ld) {
    float[][] bufs = BUFFERS.get();
    if (bufs[0].length < k) {
      bufs[0] = new float[k];
    }
    float[] x = bufs[0];
    for (int p = 0; p < k; p++) {
      x[p] = src[off + p * ld];
    }
    return x;
  }

  /** C = beta*C + op(A) op(B) one row of C at a time: for m <= 2. */
  static void byRows(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      // x = op(A)[i][0..k): read in place when it is a row of A, else gathered from a column
      float[] x = transA ? gather(k, a, aOff + i, lda) : a;
      int xOff = transA ? 0 : aOff + i * lda;
      int yOff = cOff + i * ldc;
      // op(B) stored (k, n) is axpy form over its rows; stored (n, k) is dot form
      run(!transB, k, n, x, xOff, b, bOff, ldb, beta, c, yOff, 1);
    }
  }

  /** C = beta*C + op(A) op(B) one column of C at a time: for n <= 2. */
  static void byCols(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    for (int j = 0; j < n; j++) {
      // x = op(B)[0..k)[j]: read in place when it is a row of B, else gathered from a column
      float[] x = transB ? b : gather(k, b, bOff + j, ldb);
      int xOff = transB ? bOff + j * ldb : 0;
      // op(A) stored (k, m) is axpy form over its rows; stored (m, k) is dot form
      run(transA, k, m, x, xOff, a, aOff, lda, beta, c, cOff + j, ldc);
    }
  }

  /**
   * y[j * yStride] = beta*y + (M^T x)[j] (axpy, M stored (k, len)) or (M x)[j] (dot, M stored
   * (len, k)), x at xs[xOff], for j in [0, len), split over threads when large (workers only
   * read xs).
   */
  private static void run(boolean axpy, int k, int len, float[] xs, int xOff, float[] mat,
      int off, int ld, float beta, float[] y, int yOff, int yStride) {
    long work = (long) k * len;
    if (work < PARALLEL_WORK || Parallel.threads() == 1 || Parallel.inParallelRegion()) {
      range(axpy, k, 0, len, xs, xOff, mat, off, ld, beta, y, yOff, yStride);
      return;
    }
    int units = (len + L - 1) / L;
    Parallel.forRange(units, (u0, u1) -> range(axpy, k, u0 * L, Math.min(len, u1 * L), xs, xOff,
        mat, off, ld, beta, y, yOff, yStride));
  }

  private static void range(boolean axpy, int k, int j0, int j1, float[] x, int xOff,
      float[] mat, int off, int ld, float beta, float[] y, int yOff, int yStride) {
    if (axpy) {
      axpyRange(k, j0, j1, x, xOff, mat, off, ld, beta, y, yOff, yStride);
      return;
    }
    int j = j0;
    for (; j + 2 <= j1; j += 2) {
      dotPair(x, xOff, mat, off + j * ld, ld, k, beta, y, yOff + j * yStride, yStride);
    }
    if (j < j1) {
      store(y, yOff + j * yStride, beta, dot(x, xOff, mat, off + j * ld, k));
    }
  }

  private static void store(float[] y, int yi, float beta, float acc) {
    y[yi] = beta == 0f ? acc : beta * y[yi] + acc; // beta == 0 ignores NaN in y
  }

  /** y[j] (j in [j0, j1)) = beta*y + sum_p x[xOff + p] * mat[off + p*ld + j], p in order. */
  private static void axpyRange(int k, int j0, int j1, float[] x, int xOff, float[] mat, int off,
      int ld, float beta, float[] y, int yOff, int yStride) {
    float[] lanes = BUFFERS.get()[1];
    int j = j0;
    for (; j + 2 * L <= j1; j += 2 * L) {
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      int src = off + j;
      for (int p = 0; p < k; p++, src += ld) {
        FloatVector xv = FloatVector.broadcast(S, x[xOff + p]);
        s0 = xv.fma(FloatVector.fromArray(S, mat, src), s0);
        s1 = xv.fma(FloatVector.fromArray(S, mat, src + L), s1);
      }
      storeLanes(s0, lanes, y, yOff + j * yStride, yStride, beta);
      storeLanes(s1, lanes, y, yOff + (j + L) * yStride, yStride, beta);
    }
    for (; j + L <= j1; j += L) {
      FloatVector s0 = FloatVector.zero(S);
      int src = off + j;
      for (int p = 0; p < k; p++, src += ld) {
        s0 = FloatVector.broadcast(S, x[xOff + p]).fma(FloatVector.fromArray(S, mat, src), s0);
      }
      storeLanes(s0, lanes, y, yOff + j * yStride, yStride, beta);
    }
    for (; j < j1; j++) {
      float s = 0f;
      int src = off + j;
      for (int p = 0; p < k; p++, src += ld) {
        s = Math.fma(x[xOff + p], mat[src], s);
      }
      store(y, yOff + j * yStride, beta, s);
    }
  }

  private static void storeLanes(FloatVector v, float[] lanes, float[] y, int yi, int yStride,
      float beta) {
    v.intoArray(lanes, 0);
    for (int t = 0; t < L; t++) {
      store(y, yi + t * yStride, beta, lanes[t]);
    }
  }

  /**
   * sum_t x[xOff+t] * y[yOff+t]: four 8-lane FMA accumulators over 32-float steps, one more over
   * 8-float steps, lanes summed in a fixed order, then the scalar tail. Structure depends on len
   * only.
   */
  static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int t = 0;
    for (; t + 4 * L <= len; t += 4 * L) {
      s0 = FloatVector.fromArray(S, x, xOff + t).fma(FloatVector.fromArray(S, y, yOff + t), s0);
      s1 = FloatVector.fromArray(S, x, xOff + t + L)
          .fma(FloatVector.fromArray(S, y, yOff + t + L), s1);
      s2 = FloatVector.fromArray(S, x, xOff + t + 2 * L)
          .fma(FloatVector.fromArray(S, y, yOff + t + 2 * L), s2);
      s3 = FloatVector.fromArray(S, x, xOff + t + 3 * L)
          .fma(FloatVector.fromArray(S, y, yOff + t + 3 * L), s3);
    }
    for (; t + L <= len; t += L) {
      s0 = FloatVector.fromArray(S, x, xOff + t).fma(FloatVector.fromArray(S, y, yOff + t), s0);
    }
    float sum = sumLanes(s0, s1, s2, s3);
    for (; t < len; t++) {
      sum = Math.fma(x[xOff + t], y[yOff + t], sum);
    }
    return sum;
  }

  /**
   * y[yi] = beta*y + dot(x, row r) and y[yi + yStride] = beta*y + dot(x, row r + ld), k long,
   * each row summed exactly as {@link #dot} sums it (so its bits do not depend on whether it ran
   * here or alone), but every x vector is loaded once for both rows' FMAs: lenet300 at batch 1
   * ran 1.2x faster than with one row per pass. Four rows per pass gained less: with four
   * accumulators each they spill (AVX2 has 16 vector registers), and with one each (other sums
   * than dot's) lenet300 ran only 1.03x faster.
   */
  private static void dotPair(float[] x, int xOff, float[] mat, int r, int ld, int k,
      float beta, float[] y, int yi, int yStride) {
    int r1 = r + ld;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int t = 0;
    for (; t + 4 * L <= k; t += 4 * L) {
      FloatVector x0 = FloatVector.fromArray(S, x, xOff + t);
      FloatVector x1 = FloatVector.fromArray(S, x, xOff + t + L);
      FloatVector x2 = FloatVector.fromArray(S, x, xOff + t + 2 * L);
      FloatVector x3 = FloatVector.fromArray(S, x, xOff + t + 3 * L);
      a0 = x0.fma(FloatVector.fromArray(S, mat, r + t), a0);
      b0 = x0.fma(FloatVector.fromArray(S, mat, r1 + t), b0);
      a1 = x1.fma(FloatVector.fromArray(S, mat, r + t + L), a1);
      b1 = x1.fma(FloatVector.fromArray(S, mat, r1 + t + L), b1);
      a2 = x2.fma(FloatVector.fromArray(S, mat, r + t + 2 * L), a2);
      b2 = x2.fma(FloatVector.fromArray(S, mat, r1 + t + 2 * L), b2);
      a3 = x3.fma(FloatVector.fromArray(S, mat, r + t + 3 * L), a3);
      b3 = x3.fma(FloatVector.fromArray(S, mat, r1 + t + 3 * L), b3);
    }
    for (; t + L <= k; t += L) {
      FloatVector x0 = FloatVector.fromArray(S, x, xOff + t);
      a0 = x0.fma(FloatVector.fromArray(S, mat, r + t), a0);
      b0 = x0.fma(FloatVector.fromArray(S, mat, r1 + t), b0);
    }
    float sa = sumLanes(a0, a1, a2, a3);
    float sb = sumLanes(b0, b1, b2, b3);
    for (; t < k; t++) {
      sa = Math.fma(x[xOff + t], mat[r + t], sa);
      sb = Math.fma(x[xOff + t], mat[r1 + t], sb);
    }
    store(y, yi, beta, sa);
    store(y, yi + yStride, beta, sb);
  }

  /** The lanes of s0 + s1 + s2 + s3 summed in one fixed order (pairs, then pairs of pairs). */
  private static float sumLanes(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
    FloatVector v = s0.add(s1).add(s2.add(s3));
    return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3)))
        + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
  }
}
