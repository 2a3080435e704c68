package dev.whittle.train;

import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, as PyTorch defines it: g += wd * w; v = mu * v + g;
 * w -= lr * (nesterov ? g + mu * v : v). Plain SGD is momentum zero.
 *
 * <p>Large parameters are updated by all kernel threads, each on its own index range: the update
 * is element-wise, so the weights do not depend on the thread count.
 */
public final class Sgd implements Optimizer {
  /** Below this many elements per thread a parameter is updated on the calling thread alone. */
  static final int PARALLEL_ELEMENTS = 1 << 14;

  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final Map<String, Tensor> velocity = new LinkedHashMap<>();

  public Sgd(double momentum, boolean nesterov, double weightDecay) {
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  @Override
  public void step(Map<String, Parameter> params, double lr) {
    float mu = (float) momentum;
    float wd = (float) weightDecay;
    float rate = (float) lr;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Parameter p = e.getValue();
      float[] w = p.latent().data();
      float[] g = p.grad().data();
      if (mu == 0f) {
        Parallel.forElements(w.length, PARALLEL_ELEMENTS, (from, to) -> {
          for (int i = from; i < to; i++) {
            w[i] -= rate * (g[i] + wd * w[i]);
          }
        });
        continue;
      }
      float[] v = velocity.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.latent().shape())).data();
      Parallel.forElements(w.length, PARALLEL_ELEMENTS,
          (from, to) -> momentum(w, g, v, mu, wd, rate, from, to));
    }
  }

  /** The momentum update of elements [from, to). */
  private void momentum(float[] w, float[] g, float[] v, float mu, float wd, float rate, int from,
      int to) {
    for (int i = from; i < to; i++) {
      float gi = g[i] + wd * w[i];
      v[i] = mu * v[i] + gi;
      w[i] -= rate * (nesterov ? gi + mu * v[i] : v[i]);
    }
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    velocity.forEach((k, v) -> s.put(k + "/velocity", v));
    return s;
  }

  @Override
  public void loadState(Map<String, Tensor> state) {
    velocity.clear();
    state.forEach((k, v) -> {
      if (k.endsWith("/velocity")) {
        velocity.put(k.substring(0, k.length() - "/velocity".length()), v.copy());
      }
    });
  }
}
