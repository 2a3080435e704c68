package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.nn.Activation;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * A pruned integer layer in compressed rows against the dense integer kernel: the int32 sums are
 * exact, so the outputs must be the same bits, with and without weight zero points, for static
 * and dynamic input codes, at several widths, sparsities and batch sizes.
 */
class SparseIntWeightsTest {
  @Test
  void aHandCheckedProduct() {
    // Two rows of three codes; row 1 has zero point 2, so its code 2 is a pruned weight.
    int[] codes = {0, -3, 5, 2, 2, 7};
    int[] zp = {0, 2};
    SparseIntWeights w = new SparseIntWeights(codes, zp, 2, 3, 8);
    byte[] a = {10, (byte) 200, 1};
    int[] acc = new int[2];
    w.multiply(1, a, 3, new int[] {211}, acc, 2, 1);
    // Row 0: 10*0 + 200*(-3) + 1*5 = -595. Row 1: 10*2 + 200*2 + 1*7 = 427.
    assertArrayEquals(new int[] {-595, 427}, acc);
    assertArrayEquals(new int[] {2, 11}, w.rowSums());
    assertEquals(3, w.macs()); // -3, 5 and 7
  }

  @Test
  void givesTheDenseKernelsBits() {
    Rng r = new Rng(11);
    int[][] shapes = {{1, 1}, {7, 5}, {37, 13}, {300, 100}};
    for (int[] s : shapes) {
      int in = s[0];
      int out = s[1];
      for (int bits : new int[] {2, 4, 8}) {
        for (boolean zeroPoints : new boolean[] {false, true}) {
          for (double sparsity : new double[] {0.0, 0.5, 0.92, 1.0}) {
            int[] zp = new int[out];
            int[] codes = new int[in * out];
            int lo = -(1 << (bits - 1));
            int span = 1 << bits;
            for (int j = 0; j < out; j++) {
              zp[j] = zeroPoints ? lo + r.nextInt(span) : 0;
              for (int p = 0; p < in; p++) {
                codes[j * in + p] = r.uniform() < sparsity ? zp[j] : lo + r.nextInt(span);
              }
            }
            float[] scale = new float[out];
            float[] bias = new float[out];
            for (int j = 0; j < out; j++) {
              scale[j] = 0.01f + 0.1f * (float) r.uniform();
              bias[j] = (float) r.normal();
            }
            for (UniformInput.Mode mode : new UniformInput.Mode[] {UniformInput.Mode.STATIC,
                UniformInput.Mode.DYNAMIC}) {
              UniformInput q = new UniformInput(8, false, mode);
              q.setRange(-1f, 2f);
              InputCodes ic = new InputCodes(q);
              Epilogue e = new Epilogue(Activation.Function.RELU, 0f);
              Op dense = new QuantDenseOp(in, out, new IntWeights(codes, zp, out, in, bits),
                  scale, bias, e, ic);
              Op sparse = new QuantDenseOp(in, out,
                  new SparseIntWeights(codes, zp, out, in, bits), scale, bias, e, ic);
              for (int n : new int[] {1, 3, 64}) {
                float[] x = new float[n * in];
                for (int i = 0; i < x.length; i++) {
                  x[i] = (float) r.normal();
                }
                float[] yd = new float[n * out];
                float[] ys = new float[n * out];
                dense.run(new float[][] {x}, n, yd);
                sparse.run(new float[][] {x}, n, ys);
                assertArrayEquals(yd, ys, in + "x" + out + " int" + bits + " zero points "
                    + zeroPoints + " sparsity " + sparsity + " " + mode + " batch " + n);
              }
            }
          }
        }
      }
    }
  }
}
