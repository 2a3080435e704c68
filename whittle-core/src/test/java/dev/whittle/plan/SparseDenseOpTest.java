package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.kernel.Parallel;
import dev.whittle.kernel.SlicedBlockMatrix;
import dev.whittle.nn.Activation;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The sparse dense-layer kernels against a plain scalar reference (double sums over every weight),
 * over odd shapes, sparsities, batch sizes and inputs with and without zeros. Tolerance: 1e-4
 * relative to the sum of |w x| (float sums of up to a few hundred terms in another order).
 */
class SparseDenseOpTest {
  private static final int[][] SHAPES = {{1, 1}, {3, 17}, {7, 5}, {17, 3}, {37, 13}, {100, 33},
      {300, 100}, {784, 300}};
  private static final double[] SPARSITIES = {0.0, 0.5, 0.8, 0.92, 0.97, 1.0};

  @Test
  void matchesTheScalarReference() {
    Rng r = new Rng(3);
    for (int[] s : SHAPES) {
      for (double sparsity : SPARSITIES) {
        int in = s[0];
        int out = s[1];
        float[] w = weights(r, in, out, sparsity);
        float[] b = normal(r, out);
        for (Epilogue e : new Epilogue[] {null, new Epilogue(Activation.Function.RELU, 0f)}) {
          Op sparse = new SparseDenseOp(in, out, w, b, e);
          for (int n : new int[] {1, 3, 64}) {
            for (double zeros : new double[] {0.0, 0.8, 0.97}) {
              float[] x = inputs(r, n * in, zeros);
              float[] y = new float[n * out];
              sparse.run(new float[][] {x}, n, y);
              check(w, b, e, x, n, in, out, y, in + "x" + out + " at sparsity " + sparsity
                  + ", batch " + n + ", input zeros " + zeros + ", epilogue " + e);
            }
          }
        }
      }
    }
  }

  @Test
  void matchesTheDenseKernel() {
    Rng r = new Rng(5);
    int in = 100;
    int out = 33;
    float[] w = weights(r, in, out, 0.9);
    float[] b = normal(r, out);
    Epilogue e = new Epilogue(Activation.Function.RELU, 0f);
    Op dense = new DenseOp(in, out, w, b, e);
    Op sparse = new SparseDenseOp(in, out, w, b, e);
    for (int n : new int[] {1, 5}) {
      float[] x = PlanTest.random(n + in, n * in);
      float[] yd = new float[n * out];
      float[] ys = new float[n * out];
      dense.run(new float[][] {x}, n, yd);
      sparse.run(new float[][] {x}, n, ys);
      for (int i = 0; i < yd.length; i++) {
        assertEquals(yd[i], ys[i], 1e-4 * (1 + Math.abs(yd[i])), "batch " + n + ", output " + i);
      }
    }
  }

  /** Both block layouts, vector path against the block format's own scalar version. */
  @Test
  void blockLayoutsMatchTheirScalarVersion() {
    Rng r = new Rng(7);
    boolean sawShared = false;
    boolean sawOwn = false;
    for (int[] s : SHAPES) {
      int cols = Math.max(s[0], SlicedBlockMatrix.BLOCK);
      int rows = s[1];
      for (double sparsity : SPARSITIES) {
        float[] w = weights(r, cols, rows, sparsity);
        SlicedBlockMatrix m = SlicedBlockMatrix.pack(w, rows, cols);
        sawShared |= m.shared();
        sawOwn |= !m.shared();
        float[] x = inputs(r, cols, 0.5);
        float[] fast = new float[rows];
        float[] plain = new float[rows];
        m.multiply(x, fast, 0, m.slices());
        m.multiplyReference(x, plain, 0, m.slices());
        float[] ref = new float[rows];
        float[] scale = new float[rows];
        reference(w, new float[rows], null, x, 1, cols, rows, ref);
        magnitude(w, new float[rows], x, 1, cols, rows, scale);
        for (int o = 0; o < rows; o++) {
          String where = rows + "x" + cols + " at sparsity " + sparsity + " ("
              + (m.shared() ? "shared" : "own") + " blocks), row " + o;
          assertEquals(plain[o], fast[o], 1e-4 * (1 + scale[o]), where);
          assertEquals(ref[o], plain[o], 1e-6 * (1 + scale[o]), where);
        }
      }
    }
    assertTrue(sawShared && sawOwn, "both layouts exercised");
  }

  /** By hand: one row, non-zeros at columns 0 and 9 of 10: two blocks, [0, 8) and [2, 10). */
  @Test
  void greedyCoverOverlapsAtTheRightEdge() {
    float[] w = new float[10];
    w[0] = 2f;
    w[9] = 3f;
    SlicedBlockMatrix m = SlicedBlockMatrix.pack(w, 1, 10);
    assertEquals(1, m.slices());
    assertEquals(2 * SlicedBlockMatrix.SLICE, m.blocks()); // one step of four lanes per block
    assertEquals(2, m.nonZeros());
    float[] x = {1, 1, 1, 1, 1, 1, 1, 1, 1, 10};
    float[] y = new float[1];
    m.multiply(x, y, 0, 1);
    assertEquals(32f, y[0]);
  }

  /** The op for a layer wider than 16-bit block starts falls back to CSR rows at batch 1. */
  @Test
  void wideLayerUsesCsrRows() {
    Rng r = new Rng(11);
    int in = SlicedBlockMatrix.MAX_COLS + 5;
    int out = 3;
    float[] w = weights(r, in, out, 0.999);
    float[] b = normal(r, out);
    SparseDenseOp op = new SparseDenseOp(in, out, w, b, null);
    assertTrue(op.describe().contains("batch 1 in csr"), op.describe());
    float[] x = inputs(r, in, 0.5);
    float[] y = new float[out];
    op.run(new float[][] {x}, 1, y);
    check(w, b, null, x, 1, in, out, y, "wide layer");
  }

  /** The plan's promise: the same bits for any thread count, at batch 1 and larger batches. */
  @Test
  void sameBitsForAnyThreadCount() {
    Rng r = new Rng(13);
    int before = Parallel.threads();
    try {
      for (int[] s : new int[][] {{37, 13}, {784, 300}, {300, 100}}) {
        for (double sparsity : new double[] {0.5, 0.92, 0.97}) {
          float[] w = weights(r, s[0], s[1], sparsity);
          float[] b = normal(r, s[1]);
          Op op = new SparseDenseOp(s[0], s[1], w, b, new Epilogue(Activation.Function.RELU, 0f));
          for (int n : new int[] {1, 9}) {
            float[] x = inputs(r, n * s[0], 0.5);
            Parallel.setThreads(1);
            float[] y1 = new float[n * s[1]];
            op.run(new float[][] {x}, n, y1);
            Parallel.setThreads(2);
            float[] y2 = new float[n * s[1]];
            op.run(new float[][] {x}, n, y2);
            Parallel.setThreads(3);
            float[] y3 = new float[n * s[1]];
            op.run(new float[][] {x}, n, y3);
            String where = s[0] + "x" + s[1] + " at sparsity " + sparsity + ", batch " + n;
            assertArrayEquals(y1, y2, where);
            assertArrayEquals(y1, y3, where);
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void describesTheFormats() {
    Rng r = new Rng(17);
    String d = new SparseDenseOp(784, 300, weights(r, 784, 300, 0.92), new float[300], null)
        .describe();
    assertTrue(d.startsWith("dense 784->300 sparse ("), d);
    assertTrue(d.contains(" blocks of 8, larger batches csr)"), d);
    assertFalse(d.contains("shared"), d);
  }

  private static void check(float[] w, float[] b, Epilogue e, float[] x, int n, int in, int out,
      float[] y, String where) {
    float[] ref = new float[n * out];
    float[] scale = new float[n * out];
    reference(w, b, e, x, n, in, out, ref);
    magnitude(w, b, x, n, in, out, scale);
    for (int i = 0; i < ref.length; i++) {
      assertTrue(Math.abs(ref[i] - y[i]) <= 1e-4 * (1 + scale[i]),
          where + ", output " + i + ": reference " + ref[i] + ", sparse " + y[i]);
    }
  }

  /** y = act(x W^T + b) over every weight, zeros included, in double. */
  private static void reference(float[] w, float[] b, Epilogue e, float[] x, int n, int in,
      int out, float[] y) {
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < out; o++) {
        double sum = b[o];
        for (int i = 0; i < in; i++) {
          sum += (double) w[o * in + i] * x[s * in + i];
        }
        y[s * out + o] = (float) sum;
      }
    }
    Epilogue.apply(e, y, 0, n * out);
  }

  /** |b| + sum |w x| per output: the scale of the rounding error of any summation order. */
  private static void magnitude(float[] w, float[] b, float[] x, int n, int in, int out,
      float[] m) {
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < out; o++) {
        double sum = Math.abs(b[o]);
        for (int i = 0; i < in; i++) {
          sum += Math.abs((double) w[o * in + i] * x[s * in + i]);
        }
        m[s * out + o] = (float) sum;
      }
    }
  }

  /** (out, in) weights, each zero with probability sparsity, else standard normal. */
  private static float[] weights(Rng r, int in, int out, double sparsity) {
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.uniform() < sparsity ? 0f : (float) r.normal();
    }
    return w;
  }

  private static float[] normal(Rng r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.normal();
    }
    return v;
  }

  /** Uniform [0, 1) values, each zero with probability zeros (ReLU outputs, image background). */
  private static float[] inputs(Rng r, int n, double zeros) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.uniform() < zeros ? 0f : (float) r.uniform();
    }
    return x;
  }
}
