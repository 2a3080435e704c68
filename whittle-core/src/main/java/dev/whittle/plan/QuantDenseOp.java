package dev.whittle.plan;

import dev.whittle.kernel.Parallel;

/**
 * A Dense layer on integers: the input rows become unsigned codes, multiplied by signed integer
 * weights with exact int32 sums, then {@code y = (acc - zp * rowSum(w)) * (rowScale * scale[c]) +
 * bias[c]} in float32 and the fused activation: the same integers and the same float operations
 * as the layer's simulation, so the output is bit for bit the simulated one. The weights are
 * dense, or compressed rows of a pruned layer's kept codes ({@link SparseIntWeights}), which give
 * the same sums.
 */
final class QuantDenseOp implements Op {
  private final int in;
  private final int out;
  private final IntMatrix w;
  private final float[] scale;
  private final float[] bias;
  private final Epilogue epilogue;
  private final InputCodes codes;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    byte[] a = new byte[0];
    int[] acc = new int[0];
    float[] rowScale = new float[0];
    int[] rowZp = new int[0];
    int[] rowSum = new int[0];

    void ensure(int n, int in, int out) {
      if (a.length < n * in) {
        a = new byte[n * in];
      }
      if (acc.length < n * out) {
        acc = new int[n * out];
        rowScale = new float[n];
        rowZp = new int[n];
        rowSum = new int[n];
      }
    }
  }

  QuantDenseOp(int in, int out, IntMatrix w, float[] scale, float[] bias, Epilogue epilogue,
      InputCodes codes) {
    this.in = in;
    this.out = out;
    this.w = w;
    this.scale = scale;
    this.bias = bias;
    this.epilogue = epilogue;
    this.codes = codes;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    Scratch s = scratch.get();
    s.ensure(n, in, out);
    codes.encode(inputs[0], 0, n, in, s.a, s.rowScale, s.rowZp, s.rowSum);
    w.multiply(n, s.a, in, s.rowSum, s.acc, out, 1);
    Parallel.forRange(n, (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        float rs = s.rowScale[r];
        for (int c = 0; c < out; c++) {
          int acc = codes.exact(s.acc[r * out + c], s.rowZp[r], s.rowSum[r], w, c);
          y[r * out + c] = (float) acc * (rs * scale[c]) + bias[c];
        }
        Epilogue.apply(epilogue, y, r * out, out);
      }
    });
  }

  @Override
  public long macs() {
    return w.macs();
  }

  @Override
  public String describe() {
    return "dense " + in + "->" + out + " " + w.describe() + " x " + codes.describe()
        + Epilogue.describe(epilogue);
  }
}
