package dev.whittle.plan;

import dev.whittle.kernel.BitPack;
import dev.whittle.kernel.XnorGemm;

/**
 * Binary activations times binary weights (BinaryNet / XNOR-Net): the input's signs (+1 for x
 * &gt;= 0) packed 64 to a word, an XNOR-popcount product with the weights' sign bits giving the
 * exact integer sum of +-1 products, then {@code y = acc * (1 * alpha[c]) + bias[c]} in float32
 * as the layer's simulation computes it.
 */
final class XnorDenseOp implements Op {
  private final int in;
  private final int out;
  private final long[] weights; // (out, words(in))
  private final float[] alpha;
  private final float[] bias;
  private final Epilogue epilogue;
  private final ThreadLocal<int[][]> scratch = ThreadLocal.withInitial(() -> new int[1][0]);

  /** @param signs the weights' +1/-1 integers, row-major (out, in) */
  XnorDenseOp(int in, int out, int[] signs, float[] alpha, float[] bias, Epilogue epilogue) {
    this.in = in;
    this.out = out;
    float[] f = new float[signs.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = signs[i];
    }
    this.weights = BitPack.packSigns(f, out, in);
    this.alpha = alpha;
    this.bias = bias;
    this.epilogue = epilogue;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    long[] a = BitPack.packSigns(inputs[0], 0, in, n, in);
    int[][] s = scratch.get();
    if (s[0].length < n * out) {
      s[0] = new int[n * out];
    }
    int[] acc = s[0];
    XnorGemm.gemm(n, out, in, a, 0, weights, 0, acc, 0, out, 1);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < out; c++) {
        y[r * out + c] = (float) acc[r * out + c] * (1f * alpha[c]) + bias[c];
      }
    }
    Epilogue.apply(epilogue, y, 0, n * out);
  }

  @Override
  public long macs() {
    return (long) in * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "->" + out + " binary x sign (xnor-popcount)" + Epilogue.describe(epilogue);
  }
}
