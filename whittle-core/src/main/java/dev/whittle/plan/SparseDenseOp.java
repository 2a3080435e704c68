package dev.whittle.plan;

import dev.whittle.kernel.Kernels;
import dev.whittle.kernel.Parallel;
import dev.whittle.kernel.SlicedBlockMatrix;
import dev.whittle.kernel.VectorOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A pruned dense layer: y (n, out) = act(x W^T + b) touching only the non-zeros. At batch 1 the
 * weights are read as blocks of eight columns in slices of four rows ({@link SlicedBlockMatrix});
 * at larger batches from CSR, the input transposed once so that every non-zero becomes one
 * contiguous multiply-add over the batch. Zero inputs are not skipped (EIE's column-wise product
 * was measured and not kept: see BENCHMARKS.md, "Pruning").
 */
final class SparseDenseOp implements Op {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private final int in;
  private final int out;
  private final SlicedBlockMatrix blocks; // (out, max(in, 8)) for batch 1; null if in too wide
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
    blocks = in > SlicedBlockMatrix.MAX_COLS ? null
        : SlicedBlockMatrix.pack(in >= SlicedBlockMatrix.BLOCK ? weight : padColumns(weight), out,
            Math.max(in, SlicedBlockMatrix.BLOCK));
  }

  /** w (out, in) with zero columns added up to a block's width. */
  private float[] padColumns(float[] w) {
    int cols = SlicedBlockMatrix.BLOCK;
    float[] p = new float[out * cols];
    for (int o = 0; o < out; o++) {
      System.arraycopy(w, o * in, p, o * cols, in);
    }
    return p;
  }

  int nonZeros() {
    return val.length;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    float[] x = inputs[0];
    if (n == 1 && blocks != null) {
      float[] xb = in >= SlicedBlockMatrix.BLOCK ? x : padded(x);
      Parallel.forRange(blocks.slices(), (s0, s1) -> blocks.multiply(xb, y, s0, s1));
      VectorOps.addBiasRows(y, 1, out, bias);
    } else if (n == 1) {
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

  /** x copied into a zero-padded buffer one block wide (layers with fewer than 8 inputs). */
  private float[] padded(float[] x) {
    float[] buf = scratch.get()[0];
    if (buf.length < SlicedBlockMatrix.BLOCK) {
      buf = new float[SlicedBlockMatrix.BLOCK];
      scratch.get()[0] = buf;
    }
    System.arraycopy(x, 0, buf, 0, in);
    java.util.Arrays.fill(buf, in, SlicedBlockMatrix.BLOCK, 0f);
    return buf;
  }

  /** One row's dot product over its CSR non-zeros (layers too wide for the block form). */
  private float row(float[] x, int o) {
    float s = 0f;
    for (int j = rowStart[o]; j < rowStart[o + 1]; j++) {
      s += val[j] * x[col[j]];
    }
    return s;
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
    String one = blocks == null ? "csr" : blocks.blocks() + (blocks.shared() ? " shared" : "")
        + " blocks of 8";
    return "dense " + in + "->" + out + " sparse (" + val.length + " non-zeros; batch 1 in " + one
        + ", larger batches csr)" + Epilogue.describe(epilogue);
  }
}
