package dev.whittle.nn;

import static dev.whittle.nn.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.whittle.kernel.Parallel;
import dev.whittle.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The training passes split over threads give the bits of the one-thread passes. */
class ActivationTest {

  @Test
  void passesGiveTheSameBitsOnAnyThreadCount() {
    for (Activation.Function f : Activation.Function.values()) {
      // Past both passes' thread splits on three threads, and a multiple of neither 16 nor the
      // thread count.
      int elements = Math.max(f.forwardParallelElements, Activation.BACKWARD_PARALLEL_ELEMENTS);
      int[] shape = {5, elements + 3};
      Tensor x = random(1, 2.0, shape);
      x.data()[7] = 0f;
      x.data()[8] = -0f;
      Tensor g = random(2, 1.0, shape);
      float[][] serial = passes(f, x, g, 1);
      for (int t : new int[] {2, 3}) {
        float[][] split = passes(f, x, g, t);
        assertArrayEquals(serial[0], split[0], f + " forward on " + t + " threads");
        assertArrayEquals(serial[1], split[1], f + " backward on " + t + " threads");
      }
    }
  }

  /** The output and the input gradient, computed on {@code threads} threads. */
  private static float[][] passes(Activation.Function f, Tensor x, Tensor g, int threads) {
    int before = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      Activation a = new Activation(f, 0.1f);
      float[] y = a.forward(new Tensor[] {x}, Context.train(1)).data().clone();
      return new float[][] {y, a.backward(g, true)[0].data().clone()};
    } finally {
      Parallel.setThreads(before);
    }
  }
}
