package dev.whittle.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Tensor;
import java.util.function.Supplier;

/**
 * Central differences against back-propagation. The scalar probed is L = sum(out * r) for a fixed
 * random r, so dL/dout = r; L is accumulated in float64 and h is large enough that float32
 * rounding in the forward pass stays well below the tolerance.
 */
final class GradientCheck {
  static final double H = 1e-3;
  static final double TOL = 2e-2;

  private GradientCheck() {}

  static Tensor random(long seed, double scale, int... shape) {
    Tensor t = Tensor.zeros(shape);
    Rng rng = new Rng(seed);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) (rng.normal() * scale);
    }
    return t;
  }

  static double dot(Tensor a, Tensor r) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += (double) a.data()[i] * r.data()[i];
    }
    return s;
  }

  /** Checks d(sum(f() * r))/d(values) against {@code analytic} for every entry of values. */
  static void check(String what, Tensor values, Tensor analytic, Tensor r, Supplier<Tensor> f) {
    float[] v = values.data();
    for (int i = 0; i < v.length; i++) {
      float saved = v[i];
      v[i] = (float) (saved + H);
      double plus = dot(f.get(), r);
      v[i] = (float) (saved - H);
      double minus = dot(f.get(), r);
      v[i] = saved;
      double numeric = (plus - minus) / (2 * H);
      double a = analytic.data()[i];
      double err = Math.abs(a - numeric) / Math.max(1.0, Math.abs(a) + Math.abs(numeric));
      assertTrue(err < TOL, what + "[" + i + "]: analytic " + a + ", numeric " + numeric);
    }
  }

  /** Checks the input gradient and every parameter gradient of a single-input layer. */
  static void layer(String what, Layer layer, Tensor x, Context ctx) {
    Tensor out = layer.forward(new Tensor[] {x}, ctx);
    Tensor r = random(99, 1.0, out.shape());
    for (Parameter p : layer.parameters()) {
      p.zeroGrad();
    }
    Tensor dx = layer.backward(r, true)[0].copy();
    Supplier<Tensor> f = () -> layer.forward(new Tensor[] {x}, ctx).copy();
    check(what + " input", x, dx, r, f);
    for (Parameter p : layer.parameters()) {
      Tensor g = p.grad().copy();
      check(what + " " + p.name(), p.latent(), g, r, () -> {
        p.refresh();
        return f.get();
      });
    }
  }
}
