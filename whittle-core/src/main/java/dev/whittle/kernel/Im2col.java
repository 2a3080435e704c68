package dev.whittle.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col / col2im for NCHW convolution, plus the shape checks shared by the conv kernels.
 *
 * <p>The column matrix of one sample is (c * kh * kw, oh * ow): row (ci, a, b) holds, for every
 * output position (i, j), the input x[ci][i*sh - ph + a][j*sw - pw + b], or 0 in the padding.
 * Several samples can sit side by side in one wider matrix (leading dimension ld, column offset
 * colOff), which is how the weight gradient becomes a single GEMM over a batch chunk.
 */
final class Im2col {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = 8;

  private Im2col() {}

  /** Output extent along one axis: (in + 2 pad - k) / stride + 1. */
  static int outSize(int in, int k, int stride, int pad) {
    return (in + 2 * pad - k) / stride + 1;
  }

  /** Validates a conv problem; returns {oh, ow}. Array lengths are checked by the callers. */
  static int[] check(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph,
      int pw) {
    if (n < 0 || c < 1 || h < 1 || w < 1 || oc < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1
        || ph < 0 || pw < 0) {
      throw new IllegalArgumentException("conv2d needs n >= 0, positive c, h, w, oc, kernel and"
          + " stride and non-negative padding, got n=" + n + " c=" + c + " h=" + h + " w=" + w
          + " oc=" + oc + " kernel=" + kh + "x" + kw + " stride=" + sh + "x" + sw + " pad=" + ph
          + "x" + pw);
    }
    if (h + 2 * ph < kh || w + 2 * pw < kw) {
      throw new IllegalArgumentException("conv2d kernel " + kh + "x" + kw
          + " is larger than its padded input " + (h + 2 * ph) + "x" + (w + 2 * pw));
    }
    return new int[] {outSize(h, kh, sh, ph), outSize(w, kw, sw, pw)};
  }

  /** Throws unless arr (named name) holds at least need floats. */
  static void checkLength(String name, float[] arr, long need) {
    if (arr == null) {
      throw new NullPointerException("conv2d " + name + " is null");
    }
    if (arr.length < need) {
      throw new IllegalArgumentException(
          "conv2d " + name + " needs " + need + " floats, has " + arr.length);
    }
  }

  /** True when the column matrix is the input itself: 1x1 kernel, stride 1, no padding. */
  static boolean isIdentity(int kh, int kw, int sh, int sw, int ph, int pw) {
    return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
  }

  /**
   * Writes the column rows of channels [c0, c1) of one sample (x (c, h, w) at xOff) into cols:
   * element (row, i*ow + j) at cols[colOff + row * ld + i * ow + j].
   */
  static void im2col(float[] x, int xOff, int c0, int c1, int h, int w, int kh, int kw,
      int sh, int sw, int ph, int pw, int oh, int ow, float[] cols, int colOff, int ld) {
    for (int ci = c0; ci < c1; ci++) {
      int plane = xOff + ci * h * w;
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int row = colOff + ((ci * kh + a) * kw + b) * ld;
          // valid j: 0 <= j*sw - pw + b < w
          int jLo = Math.min(ow, Math.max(0, ceilDiv(pw - b, sw)));
          int jHi = Math.max(jLo, Math.min(ow, ceilDiv(w + pw - b, sw)));
          for (int i = 0; i < oh; i++) {
            int y = i * sh - ph + a;
            int dst = row + i * ow;
            if (y < 0 || y >= h) {
              Arrays.fill(cols, dst, dst + ow, 0f);
              continue;
            }
            // explicit loops: rows are often short (ow < 32), where call overhead dominated
            for (int j = 0; j < jLo; j++) {
              cols[dst + j] = 0f;
            }
            int src = plane + y * w - pw + b; // x index of output column j is src + j*sw
            if (sw == 1) {
              copy(x, src, cols, dst, jLo, jHi);
            } else {
              for (int j = jLo; j < jHi; j++) {
                cols[dst + j] = x[src + j * sw];
              }
            }
            for (int j = jHi; j < ow; j++) {
              cols[dst + j] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Adds the column rows of channels [c0, c1) back into one sample's gradient g (c, h, w) at
   * gOff: the transpose of im2col. Rows are added in (a, b, i, j) order, so the result depends
   * only on the shape; distinct channels touch disjoint planes and may run in parallel.
   */
  static void col2im(float[] cols, int colOff, int ld, int c0, int c1, int h, int w, int kh,
      int kw, int sh, int sw, int ph, int pw, int oh, int ow, float[] g, int gOff) {
    for (int ci = c0; ci < c1; ci++) {
      int plane = gOff + ci * h * w;
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int row = colOff + ((ci * kh + a) * kw + b) * ld;
          int jLo = Math.min(ow, Math.max(0, ceilDiv(pw - b, sw)));
          int jHi = Math.max(jLo, Math.min(ow, ceilDiv(w + pw - b, sw)));
          for (int i = 0; i < oh; i++) {
            int y = i * sh - ph + a;
            if (y < 0 || y >= h) {
              continue;
            }
            int src = row + i * ow;
            int dst = plane + y * w - pw + b;
            if (sw == 1) {
              addTo(cols, src, g, dst, jLo, jHi);
            } else {
              for (int j = jLo; j < jHi; j++) {
                g[dst + j * sw] += cols[src + j];
              }
            }
          }
        }
      }
    }
  }

  /** dst[dOff + j] = src[sOff + j] for j in [j0, j1). */
  private static void copy(float[] src, int sOff, float[] dst, int dOff, int j0, int j1) {
    if (j1 - j0 >= 64) {
      System.arraycopy(src, sOff + j0, dst, dOff + j0, j1 - j0); // long rows: the intrinsic wins
      return;
    }
    int j = j0;
    for (; j + L <= j1; j += L) {
      FloatVector.fromArray(S, src, sOff + j).intoArray(dst, dOff + j);
    }
    if (j < j1) {
      VectorMask<Float> m = S.indexInRange(j, j1);
      FloatVector.fromArray(S, src, sOff + j, m).intoArray(dst, dOff + j, m);
    }
  }

  /** dst[dOff + j] += src[sOff + j] for j in [j0, j1). */
  private static void addTo(float[] src, int sOff, float[] dst, int dOff, int j0, int j1) {
    int j = j0;
    for (; j + L <= j1; j += L) {
      FloatVector.fromArray(S, dst, dOff + j).add(FloatVector.fromArray(S, src, sOff + j))
          .intoArray(dst, dOff + j);
    }
    if (j < j1) {
      VectorMask<Float> m = S.indexInRange(j, j1);
      FloatVector.fromArray(S, dst, dOff + j, m).add(FloatVector.fromArray(S, src, sOff + j, m))
          .intoArray(dst, dOff + j, m);
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
