package dev.whittle.kernel;

import java.util.Arrays;

/**
 * Convolution through im2col and {@link Gemm}, NCHW, weight (oc, ic, kh, kw). Results do not
 * depend on the thread count: samples are independent, and the weight gradient is one GEMM over
 * the whole batch whose reduction order is fixed.
 */
public final class Conv2dKernels {
  private Conv2dKernels() {}

  static int outSize(int in, int k, int s, int p) {
    return (in + 2 * p - k) / s + 1;
  }

  /** cols (c * kh * kw, oh * ow) of one sample at xOff; zero where the window is in padding. */
  static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int sh, int sw,
      int ph, int pw, int oh, int ow, float[] cols, int colOff, int ld) {
    for (int ci = 0; ci < c; ci++) {
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int row = colOff + ((ci * kh + a) * kw + b) * ld;
          for (int i = 0; i < oh; i++) {
            int y = i * sh - ph + a;
            int dst = row + i * ow;
            if (y < 0 || y >= h) {
              Arrays.fill(cols, dst, dst + ow, 0f);
              continue;
            }
            int src = xOff + (ci * h + y) * w;
            for (int j = 0; j < ow; j++) {
              int xx = j * sw - pw + b;
              cols[dst + j] = xx >= 0 && xx < w ? x[src + xx] : 0f;
            }
          }
        }
      }
    }
  }

  /** Adds cols (c * kh * kw, oh * ow) back into one sample of gradIn at off. */
  static void col2im(float[] cols, int c, int h, int w, int kh, int kw, int sh, int sw, int ph,
      int pw, int oh, int ow, float[] g, int off) {
    for (int ci = 0; ci < c; ci++) {
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int row = ((ci * kh + a) * kw + b) * oh * ow;
          for (int i = 0; i < oh; i++) {
            int y = i * sh - ph + a;
            if (y < 0 || y >= h) {
              continue;
            }
            int dst = off + (ci * h + y) * w;
            for (int j = 0; j < ow; j++) {
              int xx = j * sw - pw + b;
              if (xx >= 0 && xx < w) {
                g[dst + xx] += cols[row + i * ow + j];
              }
            }
          }
        }
      }
    }
  }

  public static void forward(float[] x, int n, int c, int h, int w, float[] weight, int oc,
      int kh, int kw, int sh, int sw, int ph, int pw, float[] bias, float[] out) {
    if (Kernels.scalar()) {
      Conv2dReference.forward(x, n, c, h, w, weight, oc, kh, kw, sh, sw, ph, pw, bias, out);
      return;
    }
    int oh = outSize(h, kh, sh, ph);
    int ow = outSize(w, kw, sw, pw);
    int k = c * kh * kw;
    int spatial = oh * ow;
    Parallel.forRange(n, (from, to) -> {
      float[] cols = new float[k * spatial];
      for (int s = from; s < to; s++) {
        im2col(x, s * c * h * w, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, cols, 0, spatial);
        int o = s * oc * spatial;
        if (bias != null) {
          for (int f = 0; f < oc; f++) {
            Arrays.fill(out, o + f * spatial, o + (f + 1) * spatial, bias[f]);
          }
        }
        Gemm.sgemm(false, false, oc, spatial, k, weight, 0, k, cols, 0, spatial,
            bias != null ? 1f : 0f, out, o, spatial);
      }
    });
  }

  public static void backwardInput(float[] gradOut, int n, int c, int h, int w, float[] weight,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradIn) {
    if (Kernels.scalar()) {
      Conv2dReference.backwardInput(gradOut, n, c, h, w, weight, oc, kh, kw, sh, sw, ph, pw, gradIn);
      return;
    }
    int oh = outSize(h, kh, sh, ph);
    int ow = outSize(w, kw, sw, pw);
    int k = c * kh * kw;
    int spatial = oh * ow;
    Parallel.forRange(n, (from, to) -> {
      float[] cols = new float[k * spatial];
      for (int s = from; s < to; s++) {
        // cols (k, spatial) = W^T (k, oc) x gradOut (oc, spatial)
        Gemm.sgemm(true, false, k, spatial, oc, weight, 0, k, gradOut, s * oc * spatial,
            spatial, 0f, cols, 0, spatial);
        int off = s * c * h * w;
        Arrays.fill(gradIn, off, off + c * h * w, 0f);
        col2im(cols, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, gradIn, off);
      }
    });
  }

  public static void backwardWeight(float[] x, float[] gradOut, int n, int c, int h, int w,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradWeight,
      float[] gradBias) {
    if (Kernels.scalar()) {
      Conv2dReference.backwardWeight(x, gradOut, n, c, h, w, oc, kh, kw, sh, sw, ph, pw,
          gradWeight, gradBias);
      return;
    }
    int oh = outSize(h, kh, sh, ph);
    int ow = outSize(w, kw, sw, pw);
    int k = c * kh * kw;
    int spatial = oh * ow;
    // cols of the whole batch (k, n * spatial) and gradOut as (oc, n * spatial), so that one
    // GEMM reduces over every sample in a fixed order: gradW (oc, k) = G x cols^T.
    int total = n * spatial;
    float[] cols = new float[k * total];
    float[] g = new float[oc * total];
    Parallel.forRange(n, (from, to) -> {
      for (int s = from; s < to; s++) {
        im2col(x, s * c * h * w, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, cols, s * spatial, total);
        for (int f = 0; f < oc; f++) {
          System.arraycopy(gradOut, (s * oc + f) * spatial, g, f * total + s * spatial, spatial);
        }
      }
    });
    Gemm.sgemm(false, true, oc, k, total, g, 0, total, cols, 0, total, 0f, gradWeight, 0, k);
    if (gradBias != null) {
      for (int f = 0; f < oc; f++) {
        float sum = 0f;
        for (int i = 0; i < total; i++) {
          sum += g[f * total + i];
        }
        gradBias[f] = sum;
      }
    }
  }
}
