package dev.whittle.plan;

import dev.whittle.kernel.BinaryGemm;
import dev.whittle.kernel.BitPack;

/**
 * A Dense layer whose every output row holds two values, lo and hi (binary weights +-alpha;
 * 0/1 logic weights beta and beta + alpha; also after a BatchNorm was folded in), stored as one
 * sign bit per weight (+1 for hi) and run by sign-and-scale accumulation on float inputs:
 * {@code y_j = mid_j * sum(x) + half_j * sum_p s_jp x_p + b_j} with mid = (hi + lo) / 2 and
 * half = (hi - lo) / 2. Equal to the float layer within rounding.
 */
final class BinaryDenseOp implements Op {
  private final int in;
  private final int out;
  private final long[] signs;
  private final float[] half;
  private final float[] mid; // null when every row is symmetric (lo == -hi)
  private final float[] bias;
  private final Epilogue epilogue;

  private BinaryDenseOp(int in, int out, long[] signs, float[] half, float[] mid, float[] bias,
      Epilogue epilogue) {
    this.in = in;
    this.out = out;
    this.signs = signs;
    this.half = half;
    this.mid = mid;
    this.bias = bias;
    this.epilogue = epilogue;
  }

  /** The op for weights (out, in) whose rows hold at most two values each, or null. */
  static BinaryDenseOp of(int in, int out, float[] w, float[] bias, Epilogue epilogue) {
    float[] lo = new float[out];
    float[] hi = new float[out];
    float[] pm = new float[w.length];
    boolean symmetric = true;
    for (int j = 0; j < out; j++) {
      float a = w[j * in];
      float b = a;
      for (int p = j * in; p < (j + 1) * in; p++) {
        float v = w[p];
        if (v != a && v != b) {
          if (a != b) {
            return null; // a third value
          }
          b = v;
        }
      }
      lo[j] = Math.min(a, b);
      hi[j] = Math.max(a, b);
      for (int p = j * in; p < (j + 1) * in; p++) {
        pm[p] = w[p] == hi[j] ? 1f : -1f;
      }
      symmetric &= lo[j] == -hi[j];
    }
    float[] half = new float[out];
    float[] mid = new float[out];
    for (int j = 0; j < out; j++) {
      half[j] = (hi[j] - lo[j]) / 2;
      mid[j] = (hi[j] + lo[j]) / 2;
    }
    return new BinaryDenseOp(in, out, BitPack.packSigns(pm, out, in), half,
        symmetric ? null : mid, bias, epilogue);
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    float[] x = inputs[0];
    BinaryGemm.gemm(n, out, in, x, 0, in, signs, 0, half, y, 0, out);
    for (int r = 0; r < n; r++) {
      float sum = 0f;
      if (mid != null) {
        for (int p = r * in; p < (r + 1) * in; p++) {
          sum += x[p];
        }
      }
      for (int j = 0; j < out; j++) {
        float v = y[r * out + j] + bias[j];
        y[r * out + j] = mid == null ? v : v + mid[j] * sum;
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
    return "dense " + in + "->" + out + (mid == null ? " binary" : " two-level (0/1)")
        + " x f32 (sign-and-scale)" + Epilogue.describe(epilogue);
  }
}
