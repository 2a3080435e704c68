package dev.whittle.nn;

import dev.whittle.kernel.Conv2dKernels;
import dev.whittle.kernel.Gemm;
import dev.whittle.tensor.Tensor;

/**
 * The forward pass of a Dense or Conv2d whose input is quantized: integer input codes times
 * integer weight codes, summed exactly, then scaled per sample and channel. A float32 sum of
 * integers is exact while every partial sum stays below 2^24 in magnitude; when a bound on the
 * sum could exceed that, the sum is taken in double instead, so the result is always the exact
 * integer and a compiled integer kernel reproduces it bit for bit.
 *
 * <p>Output value, in float32: {@code acc * (rowScale[n] * scale[c]) + bias[c]}, two roundings
 * (no fused multiply-add), which compiled plans repeat exactly.
 */
final class QuantizedCompute {
  private static final double EXACT = 1 << 24;

  private QuantizedCompute() {}

  /** The weight's quantized form, if its last constraint makes one. */
  static QuantizedWeights weights(Parameter weight) {
    QuantizedWeights q = null;
    for (Constraint c : weight.constraints()) {
      if (c instanceof QuantizedWeights w) {
        q = w;
      }
    }
    return q;
  }

  /** The integer weights (as floats) of a projected weight tensor with {@code channels} rows. */
  static float[] integers(QuantizedWeights q, float[] value) {
    float[] wi = new float[value.length];
    q.integers(value, wi);
    return wi;
  }

  private static float maxAbs(float[] a, int off, int len) {
    float m = 0f;
    for (int i = off; i < off + len; i++) {
      m = Math.max(m, Math.abs(a[i]));
    }
    return m;
  }

  private static double sumAbs(float[] a, int off, int len) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      s += Math.abs(a[i]);
    }
    return s;
  }

  /** y (n, out) = codes (n, in) x wi (out, in)^T, exact. */
  static void dense(float[] codes, int n, int in, float[] wi, int out, float[] y) {
    Gemm.sgemm(false, true, n, out, in, codes, 0, in, wi, 0, in, 0f, y, 0, out);
    float wMax = maxAbs(wi, 0, wi.length);
    for (int r = 0; r < n; r++) {
      if (sumAbs(codes, r * in, in) * wMax >= EXACT) {
        for (int o = 0; o < out; o++) {
          double s = 0;
          for (int p = 0; p < in; p++) {
            s += (double) codes[r * in + p] * wi[o * in + p];
          }
          y[r * out + o] = (float) s;
        }
      }
    }
  }

  /** acc (n, oc, oh, ow) = conv(codes, wi), exact. */
  static void conv(Conv2d l, float[] codes, int n, int h, int w, float[] wi, float[] acc) {
    int ic = l.inChannels();
    int oc = l.outChannels();
    int kh = l.kernelH();
    int kw = l.kernelW();
    int s = l.stride();
    int p = l.pad();
    Conv2dKernels.forward(codes, n, ic, h, w, wi, oc, kh, kw, s, s, p, p, null, acc);
    float wMax = maxAbs(wi, 0, wi.length);
    int inSize = ic * h * w;
    int oh = (h + 2 * p - kh) / s + 1;
    int ow = (w + 2 * p - kw) / s + 1;
    for (int r = 0; r < n; r++) {
      double bound = Math.min(sumAbs(codes, r * inSize, inSize),
          (double) ic * kh * kw * maxAbs(codes, r * inSize, inSize)) * wMax;
      if (bound < EXACT) {
        continue;
      }
      for (int o = 0; o < oc; o++) {
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            double sum = 0;
            for (int c = 0; c < ic; c++) {
              for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                  int yy = y * s - p + i;
                  int xx = x * s - p + j;
                  if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                    sum += (double) codes[r * inSize + (c * h + yy) * w + xx]
                        * wi[((o * ic + c) * kh + i) * kw + j];
                  }
                }
              }
            }
            acc[((r * oc + o) * oh + y) * ow + x] = (float) sum;
          }
        }
      }
    }
  }

  /**
   * y[r, c, i] = acc[r, c, i] * (rowScale[r] * scale[c]) + bias[c], for n rows of {@code channels}
   * channels of {@code spatial} values each.
   */
  static void rescale(float[] acc, int n, int channels, int spatial, float[] rowScale,
      float[] scale, float[] bias) {
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < channels; c++) {
        float m = rowScale[r] * scale[c];
        float b = bias == null ? 0f : bias[c];
        int off = (r * channels + c) * spatial;
        for (int i = off; i < off + spatial; i++) {
          acc[i] = acc[i] * m + b;
        }
      }
    }
  }

  /** The dequantized input, codes times each row's scale, for the weight gradient. */
  static Tensor dequantized(Tensor reuse, int[] shape, float[] codes, int n, int rowLen,
      float[] rowScale) {
    Tensor t = Tensor.reuse(reuse, shape);
    float[] d = t.data();
    for (int r = 0; r < n; r++) {
      float sc = rowScale[r];
      for (int i = r * rowLen; i < (r + 1) * rowLen; i++) {
        d[i] = codes[i] * sc;
      }
    }
    return t;
  }
}
