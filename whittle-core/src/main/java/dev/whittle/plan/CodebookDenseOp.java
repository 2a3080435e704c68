package dev.whittle.plan;

import dev.whittle.kernel.CodebookKernels;
import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.Parallel;
import dev.whittle.kernel.VectorOps;

/**
 * A dense layer whose weights take few distinct values (a shared layer: k centroids, and zero
 * when pruned) run from one-byte indices into its table: y (n, out) = act(x W^T + b) with W[o][i]
 * = table[idx[o][i]]. At batch 1 the lookup kernel reads a quarter of the bytes of the float
 * matrix; at larger batches blocks of rows are expanded to floats and multiplied by the GEMM.
 * Compilation keeps it only when it measures faster than the float kernels ({@link #orFloats}).
 *
 * <p>On the AVX2 machine this was written on it never did: a lookup costs about eight vector
 * operations per eight weights (permutes and blends) against one fused multiply-add, and even a
 * 4096x4096 layer, whose 64 MB of floats stream from memory, ran at batch 1 in 4.9 to 6.1 ms
 * against 3.8 to 4.8 ms for the float kernel (784x300, 16 values: 60 us against 14 us). So the
 * measurement, which costs about a second per layer in a fresh JVM, is made only for layers of
 * at least {@link #MIN_WEIGHTS} weights, where memory bandwidth could decide.
 */
final class CodebookDenseOp implements Op {
  /** Weights below which the lookup kernel is not even timed (16 MB of floats). */
  static final long MIN_WEIGHTS = 1L << 22;

  /** Rows expanded to floats at a time for batches above one. */
  private static final int BLOCK_ROWS = 32;

  private final int in;
  private final int out;
  private final byte[] idx; // (out, in)
  private final float[] table; // (VECTOR_TABLE): the distinct values ascending, then zeros
  private final int values;
  private final float[] bias; // (out)
  private final Epilogue epilogue;
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

  private CodebookDenseOp(int in, int out, byte[] idx, float[] table, int values, float[] bias,
      Epilogue epilogue) {
    this.in = in;
    this.out = out;
    this.idx = idx;
    this.table = table;
    this.values = values;
    this.bias = bias;
    this.epilogue = epilogue;
  }

  /**
   * The lookup op of weight (out, in), or null when it takes more distinct values than the
   * lookup kernel's table holds.
   */
  static CodebookDenseOp of(int in, int out, float[] weight, float[] bias, Epilogue e) {
    float[] distinct = new float[CodebookKernels.VECTOR_TABLE];
    int k = 0;
    for (float v : weight) {
      int at = java.util.Arrays.binarySearch(distinct, 0, k, v);
      if (at < 0) {
        if (k == distinct.length) {
          return null;
        }
        at = -at - 1;
        System.arraycopy(distinct, at, distinct, at + 1, k - at);
        distinct[at] = v;
        k++;
      }
    }
    byte[] idx = new byte[weight.length];
    for (int p = 0; p < weight.length; p++) {
      idx[p] = (byte) java.util.Arrays.binarySearch(distinct, 0, k, weight[p]);
    }
    float[] table = java.util.Arrays.copyOf(distinct, CodebookKernels.VECTOR_TABLE);
    for (int j = k; j < table.length; j++) {
      table[j] = 0f;
    }
    return new CodebookDenseOp(in, out, idx, table, k, bias, e);
  }

  /**
   * {@code floats}, the layer's float kernel, or the lookup kernel when the layer is large, its
   * weights take few enough values, and it measures faster (at batch 1 or 64, by {@link
   * KernelChoice}).
   */
  static Op orFloats(Op floats, int in, int out, float[] weight, float[] bias, Epilogue e) {
    if ((long) in * out < MIN_WEIGHTS) {
      return floats;
    }
    CodebookDenseOp lookup = of(in, out, weight, bias, e);
    return lookup == null ? floats : KernelChoice.choose(floats, lookup, in, out);
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    float[] x = inputs[0];
    if (n == 1) {
      Parallel.forRange(out, (o0, o1) -> CodebookKernels.gemv(idx, table, in, x, y, o0, o1));
    } else {
      float[] w = scratch.get();
      if (w.length < BLOCK_ROWS * in) {
        w = new float[BLOCK_ROWS * in];
        scratch.set(w);
      }
      for (int o0 = 0; o0 < out; o0 += BLOCK_ROWS) {
        int rows = Math.min(BLOCK_ROWS, out - o0);
        CodebookKernels.expand(idx, table, in, o0, o0 + rows, w);
        // y[:, o0 .. o0 + rows) = x (n, in) w^T (in, rows)
        Gemm.sgemm(false, true, n, rows, in, x, 0, in, w, 0, in, 0f, y, o0, out);
      }
    }
    VectorOps.addBiasRows(y, n, out, bias);
    Epilogue.apply(epilogue, y, 0, n * out);
  }

  @Override
  public long macs() {
    return (long) in * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "->" + out + " codebook lookup (" + values
        + " values, one-byte indices)" + Epilogue.describe(epilogue);
  }
}
