package dev.whittle.plan;

import dev.whittle.nn.Pool2d;
import dev.whittle.nn.Softmax;

/** The ops without weights: pooling, per-channel affine, activation, add, softmax. */
final class ElementOps {
  private ElementOps() {}

  static Op pool(Pool2d.Mode mode, int[] in, int k, int stride) {
    int c = in[0];
    int h = in[1];
    int w = in[2];
    return new Op() {
      @Override
      public void run(float[][] inputs, int n, float[] out) {
        Pool2d.run(mode, inputs[0], n * c, h, w, k, stride, out, null);
      }

      @Override
      public String describe() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + "pool " + k + "x" + k;
      }
    };
  }

  /** y = x * scale[c] + shift[c] per channel: a BatchNorm with nothing to fold into. */
  static Op affine(float[] scale, float[] shift, int spatial, Epilogue e) {
    int ch = scale.length;
    return new Op() {
      @Override
      public void run(float[][] inputs, int n, float[] out) {
        float[] x = inputs[0];
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < ch; c++) {
            int base = (i * ch + c) * spatial;
            for (int s = 0; s < spatial; s++) {
              out[base + s] = x[base + s] * scale[c] + shift[c];
            }
          }
        }
        Epilogue.apply(e, out, 0, n * ch * spatial);
      }

      @Override
      public String describe() {
        return "batchnorm (affine)" + Epilogue.describe(e);
      }
    };
  }

  static Op activation(Epilogue e, int size) {
    return new Op() {
      @Override
      public void run(float[][] inputs, int n, float[] out) {
        dev.whittle.nn.Activation.apply(e.function(), e.alpha(), inputs[0], out, 0, n * size);
      }

      @Override
      public String describe() {
        return e.function().name().toLowerCase(java.util.Locale.ROOT);
      }
    };
  }

  static Op add(int size) {
    return new Op() {
      @Override
      public void run(float[][] inputs, int n, float[] out) {
        int len = n * size;
        System.arraycopy(inputs[0], 0, out, 0, len);
        for (int k = 1; k < inputs.length; k++) {
          float[] x = inputs[k];
          for (int i = 0; i < len; i++) {
            out[i] += x[i];
          }
        }
      }

      @Override
      public String describe() {
        return "add";
      }
    };
  }

  static Op softmax(int size) {
    return new Op() {
      @Override
      public void run(float[][] inputs, int n, float[] out) {
        Softmax.rows(inputs[0], out, n, size);
      }

      @Override
      public String describe() {
        return "softmax";
      }
    };
  }
}
