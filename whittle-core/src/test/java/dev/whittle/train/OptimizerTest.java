package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** One or two steps from known weights give known weights, computed by hand. */
class OptimizerTest {
  private static Map<String, Parameter> param(float w, float g) {
    Parameter p = new Parameter("weight", Tensor.of(new int[] {1}, w));
    p.grad().data()[0] = g;
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("fc.weight", p);
    return m;
  }

  private static float w(Map<String, Parameter> m) {
    return m.get("fc.weight").latent().data()[0];
  }

  @Test
  void sgdMomentumTwoSteps() {
    Map<String, Parameter> m = param(1f, 0.5f);
    Optimizer o = Optimizer.sgd(0.9, false, 0);
    o.step(m, 0.1); // v = 0.5, w = 1 - 0.05 = 0.95
    assertEquals(0.95f, w(m), 1e-7);
    o.step(m, 0.1); // v = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095 = 0.855
    assertEquals(0.855f, w(m), 1e-7);
  }

  @Test
  void nesterovAndWeightDecay() {
    Map<String, Parameter> m = param(1f, 0.5f);
    Optimizer o = Optimizer.sgd(0.9, true, 0.1);
    o.step(m, 0.1); // g = 0.6, v = 0.6, update = 0.6 + 0.54 = 1.14, w = 1 - 0.114
    assertEquals(0.886f, w(m), 1e-6);
  }

  @Test
  void adamFirstStepMovesByLr() {
    Map<String, Parameter> m = param(1f, 0.5f);
    Optimizer.adam(0.9, 0.999, 1e-8, 0).step(m, 0.01);
    // mhat = g, vhat = g^2: the first step is lr * sign(g).
    assertEquals(0.99f, w(m), 1e-6);
  }

  @Test
  void adamWDecaysBeforeTheStep() {
    Map<String, Parameter> m = param(2f, 0.5f);
    Optimizer.adamW(0.9, 0.999, 1e-8, 0.1).step(m, 0.01);
    assertEquals(2f - 0.01f * 0.1f * 2f - 0.01f, w(m), 1e-6);
  }

  @Test
  void stateRoundTripContinuesExactly() {
    Map<String, Parameter> a = param(1f, 0.5f);
    Optimizer oa = Optimizer.adam(0.9, 0.999, 1e-8, 0);
    oa.step(a, 0.01);
    Optimizer ob = Optimizer.adam(0.9, 0.999, 1e-8, 0);
    ob.loadState(oa.state());
    Map<String, Parameter> b = param(w(a), 0.5f);
    oa.step(a, 0.01);
    ob.step(b, 0.01);
    assertEquals(w(a), w(b));
  }

  @Test
  void largeParametersGiveTheSameBitsOnAnyThreadCount() {
    // Past both optimizers' thread splits, and a multiple of neither 16 nor the thread count.
    int n = 4 * Math.max(Sgd.PARALLEL_ELEMENTS, Adam.PARALLEL_ELEMENTS) + 37;
    Map<String, Supplier<Optimizer>> optimizers = new LinkedHashMap<>();
    optimizers.put("sgd", () -> Optimizer.sgd(0, false, 1e-4));
    optimizers.put("momentum", () -> Optimizer.sgd(0.9, false, 1e-4));
    optimizers.put("nesterov", () -> Optimizer.sgd(0.9, true, 1e-4));
    optimizers.put("adam", () -> Optimizer.adam(0.9, 0.999, 1e-8, 1e-4));
    optimizers.put("adamw", () -> Optimizer.adamW(0.9, 0.999, 1e-8, 1e-4));
    optimizers.forEach((name, o) -> {
      float[] serial = threeSteps(o.get(), n, 1);
      for (int t : new int[] {2, 3}) {
        assertArrayEquals(serial, threeSteps(o.get(), n, t), name + " on " + t + " threads");
      }
    });
  }

  /** The weights (n, then 13 bias values) after three steps on seeded gradients. */
  private static float[] threeSteps(Optimizer o, int n, int threads) {
    int before = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      SplittableRandom r = new SplittableRandom(5);
      Map<String, Parameter> m = new LinkedHashMap<>();
      m.put("fc.weight", new Parameter("weight", random(r, n)));
      m.put("fc.bias", new Parameter("bias", random(r, 13)));
      for (int step = 0; step < 3; step++) {
        for (Parameter p : m.values()) {
          p.grad().copyFrom(random(r, p.size()));
        }
        o.step(m, 0.01);
      }
      float[] w = new float[n + 13];
      System.arraycopy(m.get("fc.weight").latent().data(), 0, w, 0, n);
      System.arraycopy(m.get("fc.bias").latent().data(), 0, w, n, 13);
      return w;
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static Tensor random(SplittableRandom r, int n) {
    Tensor t = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      t.data()[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return t;
  }

  @Test
  void schedulesAtTheirBoundaries() {
    assertEquals(1.0, Schedule.cosine().factor(0, 10), 1e-12);
    assertEquals(0.5, Schedule.cosine().factor(5, 10), 1e-12);
    assertEquals(0.0, Schedule.cosine().factor(10, 10), 1e-12);
    assertEquals(0.1, Schedule.step(5, 0.1).factor(5, 10), 1e-12);
    assertEquals(1.0, Schedule.step(5, 0.1).factor(4.99, 10), 1e-12);
    assertEquals(0.5, Schedule.constant().withWarmup(2).factor(1, 10), 1e-12);
  }
}
