package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossGradientTest {
  private static void check(Loss loss, Tensor z, int[] labels) {
    Tensor grad = Tensor.zeros(z.shape());
    loss.compute(z, labels, grad);
    double h = 1e-3;
    for (int i = 0; i < z.size(); i++) {
      float saved = z.data()[i];
      z.data()[i] = (float) (saved + h);
      double plus = loss.compute(z, labels, Tensor.zeros(z.shape()));
      z.data()[i] = (float) (saved - h);
      double minus = loss.compute(z, labels, Tensor.zeros(z.shape()));
      z.data()[i] = saved;
      double numeric = (plus - minus) / (2 * h);
      assertEquals(numeric, grad.data()[i], 1e-4, "d/dz[" + i + "]");
    }
  }

  @Test
  void crossEntropyGradientMatchesCentralDifferences() {
    Tensor z = Tensor.of(new int[] {3, 4}, 0.5f, -1f, 2f, 0f, 1f, 1f, 1f, 1f, -3f, 0.2f, 0.1f, 4f);
    check(Loss.crossEntropy(), z, new int[] {2, 0, 3});
  }

  @Test
  void mseGradientMatchesCentralDifferences() {
    Tensor z = Tensor.of(new int[] {2, 3}, 0.5f, -1f, 2f, 0f, 0.3f, 1f);
    check(Loss.mse(), z, new int[] {1, 2});
  }

  @Test
  void crossEntropyByHand() {
    // Uniform logits over 4 classes: loss ln 4, gradient (1/4 - onehot) / n.
    Tensor z = Tensor.zeros(1, 4);
    Tensor g = Tensor.zeros(1, 4);
    assertEquals(Math.log(4), Loss.crossEntropy().compute(z, new int[] {1}, g), 1e-9);
    assertEquals(-0.75f, g.data()[1], 1e-7);
    assertEquals(0.25f, g.data()[0], 1e-7);
  }

  @Test
  void crossEntropyIsStableForHugeLogits() {
    Tensor z = Tensor.of(new int[] {1, 3}, 1e30f, -1e30f, 0f);
    Tensor g = Tensor.zeros(1, 3);
    double l = Loss.crossEntropy().compute(z, new int[] {1}, g);
    assertTrue(Double.isFinite(l) && l > 1e29, "loss " + l);
    for (float v : g.data()) {
      assertTrue(Float.isFinite(v));
    }
  }
}
