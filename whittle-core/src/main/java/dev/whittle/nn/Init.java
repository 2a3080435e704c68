package dev.whittle.nn;

import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Tensor;

/**
 * Weight initialization from a seed. He (Kaiming) normal, std = sqrt(2 / fan_in), for layers
 * followed by ReLU (He et al. 2015); Glorot (Xavier) uniform, limit = sqrt(6 / (fan_in +
 * fan_out)), elsewhere (Glorot and Bengio 2010). Biases start at zero.
 */
public final class Init {
  private Init() {}

  public static void he(Tensor w, int fanIn, long seed) {
    Rng rng = new Rng(seed);
    double std = Math.sqrt(2.0 / fanIn);
    float[] d = w.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (rng.normal() * std);
    }
  }

  public static void glorot(Tensor w, int fanIn, int fanOut, long seed) {
    Rng rng = new Rng(seed);
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    float[] d = w.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) ((rng.uniform() * 2 - 1) * limit);
    }
  }
}
