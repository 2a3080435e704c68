package dev.whittle.kernel;

/**
 * Direct seven-loop convolution, accumulating in double: the oracle {@link Conv2dKernels} is
 * tested against, and what it runs under -Dwhittle.kernels=scalar. Same contracts and layouts:
 * NCHW, weight (oc, c, kh, kw), zero padding.
 */
public final class Conv2dReference {
  private Conv2dReference() {}

  /** out (n, oc, oh, ow) = conv(x, weight) + bias (nullable). */
  public static void forward(float[] x, int n, int c, int h, int w, float[] weight, int oc,
      int kh, int kw, int sh, int sw, int ph, int pw, float[] bias, float[] out) {
    int[] o = Im2col.check(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    int oh = o[0];
    int ow = o[1];
    for (int s = 0; s < n; s++) {
      for (int f = 0; f < oc; f++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = bias == null ? 0 : bias[f];
            for (int ci = 0; ci < c; ci++) {
              for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                  int y = i * sh - ph + a;
                  int xx = j * sw - pw + b;
                  if (y >= 0 && y < h && xx >= 0 && xx < w) {
                    acc += (double) x[((s * c + ci) * h + y) * w + xx]
                        * weight[((f * c + ci) * kh + a) * kw + b];
                  }
                }
              }
            }
            out[((s * oc + f) * oh + i) * ow + j] = (float) acc;
          }
        }
      }
    }
  }

  /** gradIn (n, c, h, w), overwritten, = transpose conv of gradOut (n, oc, oh, ow). */
  public static void backwardInput(float[] gradOut, int n, int c, int h, int w, float[] weight,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradIn) {
    int[] o = Im2col.check(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    int oh = o[0];
    int ow = o[1];
    double[] acc = new double[n * c * h * w];
    for (int s = 0; s < n; s++) {
      for (int f = 0; f < oc; f++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double g = gradOut[((s * oc + f) * oh + i) * ow + j];
            for (int ci = 0; ci < c; ci++) {
              for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                  int y = i * sh - ph + a;
                  int xx = j * sw - pw + b;
                  if (y >= 0 && y < h && xx >= 0 && xx < w) {
                    acc[((s * c + ci) * h + y) * w + xx] +=
                        g * weight[((f * c + ci) * kh + a) * kw + b];
                  }
                }
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      gradIn[i] = (float) acc[i];
    }
  }

  /** gradWeight (oc, c, kh, kw) and gradBias (oc, nullable), both overwritten. */
  public static void backwardWeight(float[] x, float[] gradOut, int n, int c, int h, int w,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradWeight,
      float[] gradBias) {
    int[] o = Im2col.check(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    int oh = o[0];
    int ow = o[1];
    double[] acc = new double[oc * c * kh * kw];
    double[] bacc = new double[oc];
    for (int s = 0; s < n; s++) {
      for (int f = 0; f < oc; f++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double g = gradOut[((s * oc + f) * oh + i) * ow + j];
            bacc[f] += g;
            for (int ci = 0; ci < c; ci++) {
              for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                  int y = i * sh - ph + a;
                  int xx = j * sw - pw + b;
                  if (y >= 0 && y < h && xx >= 0 && xx < w) {
                    acc[((f * c + ci) * kh + a) * kw + b] +=
                        g * x[((s * c + ci) * h + y) * w + xx];
                  }
                }
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      gradWeight[i] = (float) acc[i];
    }
    if (gradBias != null) {
      for (int f = 0; f < oc; f++) {
        gradBias[f] = (float) bacc[f];
      }
    }
  }
}
