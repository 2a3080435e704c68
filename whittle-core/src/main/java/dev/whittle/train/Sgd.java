package dev.whittle.train;

import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, as PyTorch defines it: g += wd * w; v = mu * v + g;
 * w -= lr * (nesterov ? g + mu * v : v). Plain SGD is momentum zero.
 */
public final class Sgd implements Optimizer {
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
        for (int i = 0; i < w.length; i++) {
          w[i] -= rate * (g[i] + wd * w[i]);
        }
        continue;
      }
      float[] v = velocity.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.latent().shape())).data();
      for (int i = 0; i < w.length; i++) {
        float gi = g[i] + wd * w[i];
        v[i] = mu * v[i] + gi;
        w[i] -= rate * (nesterov ? gi + mu * v[i] : v[i]);
      }
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
