package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.nn.Activation;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The CSR kernel against the dense one over odd shapes, sparsities and batch sizes. */
class SparseDenseOpTest {
  @Test
  void matchesTheDenseKernel() {
    Rng r = new Rng(3);
    int[][] shapes = {{1, 1}, {3, 17}, {17, 3}, {100, 33}, {784, 300}};
    for (int[] s : shapes) {
      for (double sparsity : new double[] {0.0, 0.5, 0.92, 1.0}) {
        int in = s[0];
        int out = s[1];
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
          w[i] = r.uniform() < sparsity ? 0f : (float) r.normal();
        }
        float[] b = new float[out];
        for (int i = 0; i < out; i++) {
          b[i] = (float) r.normal();
        }
        Epilogue e = new Epilogue(Activation.Function.RELU, 0f);
        Op dense = new DenseOp(in, out, w, b, e);
        Op sparse = new SparseDenseOp(in, out, w, b, e);
        for (int n : new int[] {1, 3, 64}) {
          float[] x = PlanTest.random(n + in, n * in);
          float[] yd = new float[n * out];
          float[] ys = new float[n * out];
          dense.run(new float[][] {x}, n, yd);
          sparse.run(new float[][] {x}, n, ys);
          for (int i = 0; i < yd.length; i++) {
            assertTrue(Math.abs(yd[i] - ys[i]) <= 1e-4 * (1 + Math.abs(yd[i])),
                in + "x" + out + " at sparsity " + sparsity + ", batch " + n + ", output " + i
                    + ": dense " + yd[i] + ", sparse " + ys[i]);
          }
        }
      }
    }
  }
}
