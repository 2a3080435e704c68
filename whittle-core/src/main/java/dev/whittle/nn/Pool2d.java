package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.kernel.Parallel;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Max or average pooling over (n, c, h, w), kernel k, stride s, no padding; windows that would
 * run past the edge are dropped, as PyTorch does with {@code ceil_mode=False}.
 */
public final class Pool2d implements Layer {
  /** Max or average. */
  public enum Mode {
    MAX("maxpool2d"),
    AVG("avgpool2d");

    final String kind;

    Mode(String kind) {
      this.kind = kind;
    }
  }

  private final Mode mode;
  private final int k;
  private final int stride;
  private int[] inShape; // (n, c, h, w) of the last forward
  private int[] argmax; // per output element, the flat input index of the max (MAX only)
  private Tensor output;
  private Tensor gradIn;

  public Pool2d(Mode mode, int k, int stride) {
    if (k <= 0 || stride <= 0) {
      throw new InputException("pooling needs a positive kernel and stride, got " + k + ", " + stride);
    }
    this.mode = mode;
    this.k = k;
    this.stride = stride;
  }

  public Mode mode() {
    return mode;
  }

  public int kernel() {
    return k;
  }

  public int stride() {
    return stride;
  }

  @Override
  public String kind() {
    return mode.kind;
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    int[] s = inputShapes[0];
    if (s.length != 3 || s[1] < k || s[2] < k) {
      throw new InputException(kind() + " " + k + "x" + k + " needs input (c, h, w) of at least "
          + k + "x" + k + ", got " + Shapes.format(s));
    }
    return new int[] {s[0], (s[1] - k) / stride + 1, (s[2] - k) / stride + 1};
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    inShape = x.shape();
    int n = inShape[0];
    int c = inShape[1];
    int h = inShape[2];
    int w = inShape[3];
    int oh = (h - k) / stride + 1;
    int ow = (w - k) / stride + 1;
    output = Tensor.reuse(output, n, c, oh, ow);
    if (mode == Mode.MAX && (argmax == null || argmax.length != output.size())) {
      argmax = new int[output.size()];
    }
    run(mode, x.data(), n * c, h, w, k, stride, output.data(), mode == Mode.MAX ? argmax : null);
    return output;
  }

  /**
   * Pools {@code planes} planes of h x w from {@code in} into {@code out}; for max pooling,
   * {@code argmax} (nullable) receives the flat input index of each output's maximum. Shared by
   * the layer and the compiled plan; thread-safe.
   */
  public static void run(Mode mode, float[] in, int planes, int h, int w, int k, int stride,
      float[] out, int[] argmax) {
    Parallel.forRange(planes, (from, to) -> {
      if (mode == Mode.MAX) {
        maxPlanes(in, from, to, h, w, k, stride, out, argmax);
      } else {
        avgPlanes(in, from, to, h, w, k, stride, out);
      }
    });
  }

  private static void maxPlanes(float[] in, int from, int to, int h, int w, int k, int stride,
      float[] out, int[] argmax) {
    int oh = (h - k) / stride + 1;
    int ow = (w - k) / stride + 1;
    if (argmax == null && k == 2 && stride == 2) {
      // Inference's common case: branch-free maxima, no index bookkeeping (the general loop's
      // data-dependent branches cost more than the convolutions around it).
      for (int p = from; p < to; p++) {
        int ib = p * h * w;
        int o = p * oh * ow;
        for (int i = 0; i < oh; i++) {
          int r0 = ib + 2 * i * w;
          int r1 = r0 + w;
          for (int j = 0; j < ow; j++, o++) {
            int c = 2 * j;
            out[o] = Math.max(Math.max(in[r0 + c], in[r0 + c + 1]),
                Math.max(in[r1 + c], in[r1 + c + 1]));
          }
        }
      }
      return;
    }
    for (int p = from; p < to; p++) {
      int ib = p * h * w;
      int o = p * oh * ow;
      for (int i = 0; i < oh; i++) {
        int top = ib + i * stride * w;
        for (int j = 0; j < ow; j++, o++) {
          int best = top + j * stride;
          float m = in[best];
          for (int a = 0; a < k; a++) {
            int row = top + a * w + j * stride;
            for (int b = 0; b < k; b++) {
              float v = in[row + b];
              if (v > m) {
                m = v;
                best = row + b;
              }
            }
          }
          out[o] = m;
          if (argmax != null) {
            argmax[o] = best;
          }
        }
      }
    }
  }

  private static void avgPlanes(float[] in, int from, int to, int h, int w, int k, int stride,
      float[] out) {
    int oh = (h - k) / stride + 1;
    int ow = (w - k) / stride + 1;
    float inv = 1f / (k * k);
    for (int p = from; p < to; p++) {
      int ib = p * h * w;
      int o = p * oh * ow;
      for (int i = 0; i < oh; i++) {
        int top = ib + i * stride * w;
        for (int j = 0; j < ow; j++, o++) {
          float s = 0f;
          for (int a = 0; a < k; a++) {
            int row = top + a * w + j * stride;
            for (int b = 0; b < k; b++) {
              s += in[row + b];
            }
          }
          out[o] = s * inv;
        }
      }
    }
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    if (!needInputGrad) {
      return new Tensor[] {null};
    }
    gradIn = Tensor.reuse(gradIn, inShape);
    float[] gi = gradIn.data();
    float[] g = gradOut.data();
    int n = inShape[0];
    int c = inShape[1];
    int h = inShape[2];
    int w = inShape[3];
    int oh = (h - k) / stride + 1;
    int ow = (w - k) / stride + 1;
    float inv = 1f / (k * k);
    Parallel.forRange(n * c, (from, to) -> {
      java.util.Arrays.fill(gi, from * h * w, to * h * w, 0f);
      for (int p = from; p < to; p++) {
        int ib = p * h * w;
        int ob = p * oh * ow;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            int o = ob + i * ow + j;
            if (mode == Mode.MAX) {
              gi[argmax[o]] += g[o];
            } else {
              float v = g[o] * inv;
              for (int a = 0; a < k; a++) {
                int row = ib + (i * stride + a) * w + j * stride;
                for (int b = 0; b < k; b++) {
                  gi[row + b] += v;
                }
              }
            }
          }
        }
      }
    });
    return new Tensor[] {gradIn};
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kernel", (long) k);
    c.put("stride", (long) stride);
    return c;
  }
}
