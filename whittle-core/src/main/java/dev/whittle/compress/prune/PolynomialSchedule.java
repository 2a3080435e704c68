package dev.whittle.compress.prune;

import dev.whittle.InputException;

/**
 * Gradual pruning (Zhu and Gupta 2017, eq. 1): s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^3
 * for t0 <= t <= t0 + n dt, s_i before and s_f after; masks are updated every dt steps and frozen
 * once s_f is reached.
 */
public record PolynomialSchedule(double initial, double target, long start, int updates, long every) {
  public PolynomialSchedule {
    if (updates < 1 || every < 1 || start < 0) {
      throw new InputException("polynomial schedule needs at least one update of at least one"
          + " step, got " + updates + " updates every " + every + " steps");
    }
  }

  public double sparsityAt(long step) {
    if (step <= start) {
      return initial;
    }
    long end = start + updates * every;
    if (step >= end) {
      return target;
    }
    double frac = 1.0 - (double) (step - start) / (updates * every);
    return target + (initial - target) * frac * frac * frac;
  }

  /** Whether masks are updated at this step: every dt steps from t0 to the end, inclusive. */
  public boolean updatesAt(long step) {
    return step >= start && step <= start + updates * every && (step - start) % every == 0;
  }
}
