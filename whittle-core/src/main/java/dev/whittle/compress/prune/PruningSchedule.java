package dev.whittle.compress.prune;

import dev.whittle.InputException;

/**
 * When pruning happens relative to fine-tuning: {@code oneshot} (prune, then fine-tune),
 * {@code iterative:K} (Han et al. 2015: K rounds, sparsity raised to k/K of the target, each
 * followed by 1/K of the fine-tuning) or {@code polynomial[:N]} (Zhu and Gupta 2017: N mask
 * updates spread over the first 3/4 of fine-tuning, then the masks are frozen).
 */
public record PruningSchedule(Kind kind, int rounds) {
  /** The three schedules. */
  public enum Kind {
    ONESHOT,
    ITERATIVE,
    POLYNOMIAL
  }

  public static PruningSchedule parse(String text) {
    String[] p = text.split(":");
    try {
      switch (p[0]) {
        case "oneshot", "one-shot":
          if (p.length == 1) {
            return new PruningSchedule(Kind.ONESHOT, 1);
          }
          break;
        case "iterative":
          int k = p.length == 2 ? Integer.parseInt(p[1]) : 4;
          if (k >= 1 && p.length <= 2) {
            return new PruningSchedule(Kind.ITERATIVE, k);
          }
          break;
        case "polynomial", "gradual":
          int n = p.length == 2 ? Integer.parseInt(p[1]) : 10;
          if (n >= 1 && p.length <= 2) {
            return new PruningSchedule(Kind.POLYNOMIAL, n);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new InputException("--schedule: expected oneshot, iterative:K or polynomial[:UPDATES],"
        + " got '" + text + "'");
  }
}
