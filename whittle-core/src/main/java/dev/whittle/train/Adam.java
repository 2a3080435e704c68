package dev.whittle.train;

import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with bias correction. Weight decay is either added to the gradient
 * (Adam's L2) or, when {@code decoupled}, applied directly to the weights: AdamW (Loshchilov and
 * Hutter 2019), w -= lr * wd * w before the Adam step.
 *
 * <p>Large parameters are updated by all kernel threads, each on its own index range: the update
 * is element-wise, so the weights do not depend on the thread count.
 */
public final class Adam implements Optimizer {
  /**
   * Below this many elements per thread a parameter is updated on the calling thread alone
   * (fewer than SGD's: a square root and two divisions per element).
   */
  static final int PARALLEL_ELEMENTS = 1 << 11;

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;
  private final Map<String, Tensor> m = new LinkedHashMap<>();
  private final Map<String, Tensor> v = new LinkedHashMap<>();
  private long t;

  public Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  @Override
  public void step(Map<String, Parameter> params, double lr) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Parameter p = e.getValue();
      float[] w = p.latent().data();
      float[] g = p.grad().data();
      float[] mm = m.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.latent().shape())).data();
      float[] vv = v.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.latent().shape())).data();
      Parallel.forElements(w.length, PARALLEL_ELEMENTS,
          (from, to) -> update(w, g, mm, vv, lr, c1, c2, from, to));
    }
  }

  /** The update of elements [from, to), with bias corrections c1 and c2. */
  private void update(float[] w, float[] g, float[] mm, float[] vv, double lr, double c1,
      double c2, int from, int to) {
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float wd = (float) weightDecay;
    for (int i = from; i < to; i++) {
      float gi = decoupled ? g[i] : g[i] + wd * w[i];
      if (decoupled) {
        w[i] -= (float) (lr * wd) * w[i];
      }
      mm[i] = b1 * mm[i] + (1 - b1) * gi;
      vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
      double mhat = mm[i] / c1;
      double vhat = vv[i] / c2;
      w[i] -= (float) (lr * mhat / (Math.sqrt(vhat) + eps));
    }
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    m.forEach((k, x) -> s.put(k + "/m", x));
    v.forEach((k, x) -> s.put(k + "/v", x));
    s.put("adam/step", Tensor.of(new int[] {1}, (float) t));
    return s;
  }

  @Override
  public void loadState(Map<String, Tensor> state) {
    m.clear();
    v.clear();
    state.forEach((k, x) -> {
      if (k.endsWith("/m")) {
        m.put(k.substring(0, k.length() - 2), x.copy());
      } else if (k.endsWith("/v")) {
        v.put(k.substring(0, k.length() - 2), x.copy());
      } else if (k.equals("adam/step")) {
        t = (long) x.data()[0];
      }
    });
  }
}
