package dev.whittle.plan;

import dev.whittle.kernel.Kernels;
import dev.whittle.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A pruned dense layer in CSR form: y (n, out) = act(x W^T + b) touching only the non-zeros. At
 * batch 1 each row is a gathered dot product; at larger batches the input is transposed once so
 * that every non-zero becomes one contiguous multiply-add over the batch.
 */
final class SparseDenseOp implements Op {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private final int in;
  private final int out;
  private final int[] rowStart; // (out + 1)
  private final int[] col; // (nnz)
  private final float[] val; // (nnz)
  private final float[] bias;
  private final Epilogue epilogue;
  private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);

  SparseDenseOp(int in, int out, float[] weight, float[] bias, Epilogue epilogue) {
    this.in = in;
    this.out = out;
    this.bias = bias;
    this.epilogue = epilogue;
    int nnz = 0;
    for (float w : weight) {
      if (w != 0f) {
        nnz++;
      }
    }
    rowStart = new int[out + 1];
    col = new int[nnz];
    val = new float[nnz];
    int k = 0;
    for (int o = 0; o < out; o++) {
      rowStart[o] = k;
      for (int i = 0; i < in; i++) {
        float w = weight[o * in + i];
        if (w != 0f) {
          col[k] = i;
          val[k++] = w;
        }
      }
    }
    rowStart[out] = k;
  }

  int nonZeros() {
    return val.length;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    float[] x = inputs[0];
    if (n == 1) {
      Parallel.forRange(out, (o0, o1) -> {
        for (int o = o0; o < o1; o++) {
          y[o] = row(x, o) + bias[o];
        }
      });
    } else {
      batched(x, n, y);
    }
    Epilogue.apply(epilogue, y, 0, n * out);
  }

  /**
   * One row's dot product over its non-zeros. Scalar with four accumulators: the Vector API's
   * gather (fromArray with an index map) is not intrinsified here and runs far slower.
   */
  private float row(float[] x, int o) {
    int j = rowStart[o];
    int end = rowStart[o + 1];
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    for (; j + 4 <= end; j += 4) {
      s0 += val[j] * x[col[j]];
      s1 += val[j + 1] * x[col[j + 1]];
      s2 += val[j + 2] * x[col[j + 2]];
      s3 += val[j + 3] * x[col[j + 3]];
    }
    for (; j < end; j++) {
      s0 += val[j] * x[col[j]];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private void batched(float[] x, int n, float[] y) {
    float[][] buf = scratch.get();
    if (buf[0].length < in * n) {
      buf[0] = new float[in * n];
    }
    if (buf[1].length < out * n) {
      buf[1] = new float[out * n];
    }
    float[] xt = buf[0]; // (in, n)
    float[] yt = buf[1]; // (out, n)
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < in; i++) {
        xt[i * n + s] = x[s * in + i];
      }
    }
    Parallel.forRange(out, (o0, o1) -> {
      for (int o = o0; o < o1; o++) {
        int base = o * n;
        java.util.Arrays.fill(yt, base, base + n, bias[o]);
        for (int j = rowStart[o]; j < rowStart[o + 1]; j++) {
          axpy(val[j], xt, col[j] * n, yt, base, n);
        }
      }
    });
    for (int o = 0; o < out; o++) {
      for (int s = 0; s < n; s++) {
        y[s * out + o] = yt[o * n + s];
      }
    }
  }

  private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    int i = 0;
    if (!Kernels.scalar()) {
      FloatVector va = FloatVector.broadcast(S, a);
      for (; i + S.length() <= n; i += S.length()) {
        FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i))
            .intoArray(y, yo + i);
      }
    }
    for (; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  @Override
  public long macs() {
    return val.length;
  }

  @Override
  public String describe() {
    return "dense " + in + "->" + out + " csr (" + val.length + " non-zeros)" + Epilogue.describe(epilogue);
  }
}
