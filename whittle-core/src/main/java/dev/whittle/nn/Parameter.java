package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A trainable tensor: its latent value, its gradient, and the constraints applied to it. The
 * forward pass reads {@link #value()}, which is the latent value after every constraint's
 * projection.
 */
public final class Parameter {
  private final String name;
  private final Tensor latent;
  private final Tensor grad;
  private final List<Constraint> constraints = new ArrayList<>();
  private Tensor projected; // the value the forward pass sees, when a constraint changes it

  public Parameter(String name, Tensor value) {
    this.name = name;
    this.latent = value;
    this.grad = Tensor.zeros(value.shape());
  }

  /** The name inside its layer: {@code weight}, {@code bias}, {@code gamma}. */
  public String name() {
    return name;
  }

  /** The trained value, before constraints. Optimizers update it. */
  public Tensor latent() {
    return latent;
  }

  public Tensor grad() {
    return grad;
  }

  public List<Constraint> constraints() {
    return List.copyOf(constraints);
  }

  /** The last constraint of {@code type} (the one that acts last), or null. */
  public <T> T constraint(Class<T> type) {
    T found = null;
    for (Constraint c : constraints) {
      if (type.isInstance(c)) {
        found = type.cast(c);
      }
    }
    return found;
  }

  public void addConstraint(Constraint c) {
    constraints.add(c);
    afterStep();
    refresh();
  }

  public void clearConstraints() {
    constraints.clear();
    projected = null;
  }

  /** The value the forward pass sees. */
  public Tensor value() {
    return projected != null ? projected : latent;
  }

  /**
   * Recomputes {@link #value()} from the latent value; call after changing the latent value
   * (the trainer does after each step).
   */
  public void refresh() {
    float[] in = latent.data();
    boolean changed = false;
    for (Constraint c : constraints) {
      if (projected == null) {
        projected = Tensor.zeros(latent.shape());
      }
      if (c.project(in, projected.data())) {
        in = projected.data();
        changed = true;
      }
    }
    if (!changed) {
      projected = null;
    }
  }

  /** Applies every constraint's gradient hook, in order. */
  public void constrainGradient() {
    for (Constraint c : constraints) {
      c.gradient(latent.data(), grad.data());
    }
  }

  /** Applies every constraint's after-step hook, in order, and refreshes the seen value. */
  public void afterStep() {
    for (Constraint c : constraints) {
      c.afterStep(latent.data());
    }
  }

  public void zeroGrad() {
    grad.fill(0f);
  }

  public int size() {
    return latent.size();
  }
}
