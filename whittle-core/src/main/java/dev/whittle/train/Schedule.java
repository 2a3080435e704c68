package dev.whittle.train;

import dev.whittle.InputException;

/**
 * The learning rate over training, as a factor of the base rate at a (fractional) epoch.
 * Schedules are values: {@code Schedule.cosine()}, {@code Schedule.step(5, 0.1)}, and {@link
 * #withWarmup} for a linear warm-up in front of any of them.
 */
@FunctionalInterface
public interface Schedule {
  double factor(double epoch, int totalEpochs);

  static Schedule constant() {
    return (e, total) -> 1.0;
  }

  /** Multiplied by {@code gamma} every {@code every} epochs. */
  static Schedule step(int every, double gamma) {
    return (e, total) -> Math.pow(gamma, Math.floor(e / every));
  }

  /** Half a cosine from 1 down to 0 over the run (Loshchilov and Hutter 2017, no restarts). */
  static Schedule cosine() {
    return (e, total) -> 0.5 * (1 + Math.cos(Math.PI * Math.min(e / total, 1.0)));
  }

  /** Linear from 0 to the schedule's value over the first {@code epochs} epochs. */
  default Schedule withWarmup(double epochs) {
    Schedule inner = this;
    return (e, total) -> e < epochs ? inner.factor(e, total) * (e / epochs) : inner.factor(e, total);
  }

  /** {@code constant}, {@code cosine} or {@code step:EVERY:GAMMA}. */
  static Schedule parse(String spec) {
    if (spec.equals("constant")) {
      return constant();
    }
    if (spec.equals("cosine")) {
      return cosine();
    }
    String[] p = spec.split(":");
    if (p.length == 3 && p[0].equals("step")) {
      try {
        int every = Integer.parseInt(p[1]);
        double gamma = Double.parseDouble(p[2]);
        if (every > 0 && gamma > 0) {
          return step(every, gamma);
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
    }
    throw new InputException("--lr-schedule: expected constant, cosine or step:EVERY:GAMMA (such as"
        + " step:5:0.1), got '" + spec + "'");
  }
}
