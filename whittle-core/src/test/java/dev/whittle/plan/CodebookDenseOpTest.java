package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.kernel.CodebookKernels;
import dev.whittle.nn.Activation;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The codebook lookup kernel and op against a plain reference (double sums over every weight),
 * over odd shapes, table sizes 1 to 32 and batch sizes. Tolerance: 1e-4 relative to the sum of
 * |w x| (float sums in another order).
 */
class CodebookDenseOpTest {
  private static final int[][] SHAPES = {{1, 1}, {3, 17}, {17, 3}, {37, 13}, {100, 33},
      {1000, 7}, {784, 300}};

  @Test
  void vectorKernelMatchesTheReference() {
    Rng r = new Rng(5);
    for (int[] s : SHAPES) {
      for (int k : new int[] {1, 2, 7, 8, 9, 16, 31, 32}) {
        int in = s[0];
        int out = s[1];
        float[] table = new float[CodebookKernels.VECTOR_TABLE];
        for (int j = 0; j < k; j++) {
          table[j] = (float) r.normal();
        }
        byte[] idx = new byte[in * out];
        for (int p = 0; p < idx.length; p++) {
          idx[p] = (byte) r.nextInt(k);
        }
        float[] x = normal(r, in);
        float[] fast = new float[out];
        float[] ref = new float[out];
        CodebookKernels.gemv(idx, table, in, x, fast, 0, out);
        CodebookKernels.gemvReference(idx, table, in, x, ref, 0, out);
        for (int o = 0; o < out; o++) {
          double scale = 0;
          for (int i = 0; i < in; i++) {
            scale += Math.abs(table[idx[o * in + i]] * x[i]);
          }
          assertEquals(ref[o], fast[o], 1e-4 * Math.max(1, scale), in + "x" + out + " k " + k);
        }
      }
    }
  }

  @Test
  void opMatchesTheFloatLayer() {
    Rng r = new Rng(6);
    for (int[] s : SHAPES) {
      int in = s[0];
      int out = s[1];
      float[] centroids = normal(r, 31);
      float[] w = new float[in * out];
      for (int p = 0; p < w.length; p++) {
        w[p] = r.uniform() < 0.3 ? 0f : centroids[r.nextInt(31)]; // pruned and shared: 32 values
      }
      float[] b = normal(r, out);
      for (Epilogue e : new Epilogue[] {null, new Epilogue(Activation.Function.RELU, 0f)}) {
        Op op = CodebookDenseOp.of(in, out, w, b, e);
        assertTrue(op.describe().contains("codebook lookup"), op.describe());
        for (int n : new int[] {1, 3, 64}) {
          float[] x = normal(r, n * in);
          float[] y = new float[n * out];
          op.run(new float[][] {x}, n, y);
          for (int q = 0; q < n; q++) {
            for (int o = 0; o < out; o++) {
              double sum = b[o];
              double scale = Math.abs(b[o]);
              for (int i = 0; i < in; i++) {
                sum += (double) w[o * in + i] * x[q * in + i];
                scale += Math.abs((double) w[o * in + i] * x[q * in + i]);
              }
              if (e != null) {
                sum = Math.max(0, sum);
              }
              assertEquals(sum, y[q * out + o], 1e-4 * Math.max(1, scale),
                  in + "x" + out + " batch " + n);
            }
          }
        }
      }
    }
  }

  @Test
  void onlyFewDistinctValuesGetALookupOp() {
    float[] w = new float[40];
    for (int p = 0; p < w.length; p++) {
      w[p] = p % 32;
    }
    assertTrue(CodebookDenseOp.of(8, 5, w, new float[5], null) != null, "32 values");
    w[39] = 0.5f;
    assertNull(CodebookDenseOp.of(8, 5, w, new float[5], null), "33 values");
  }

  private static float[] normal(Rng r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.normal();
    }
    return v;
  }
}
