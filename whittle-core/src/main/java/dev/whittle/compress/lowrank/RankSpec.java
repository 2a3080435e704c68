package dev.whittle.compress.lowrank;

import dev.whittle.InputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which rank each layer keeps: a rank for the layers not named ({@code --rank 64}), ranks by
 * layer ({@code --rank fc1=64,fc2=32}), or the retained energy ({@code --energy 0.95}): the
 * smallest r whose first r squared singular values reach that fraction of their sum. Named ranks
 * may be mixed with either default; a layer with no rank and no energy is left whole.
 *
 * @param rank the rank of the layers not named, or 0 for none
 * @param energy the energy kept by the layers not named, in (0, 1], or NaN for none
 * @param overrides ranks by layer name
 */
public record RankSpec(int rank, double energy, Map<String, Integer> overrides) {
  /** Slack for rounding in the energy sums, so that 0.9 of {9, 1} gives rank 1. */
  private static final double SLACK = 1e-12;

  public RankSpec {
    if (rank < 0) {
      throw new InputException("--rank must be at least 1, got " + rank);
    }
    if (!Double.isNaN(energy) && !(energy > 0 && energy <= 1)) {
      throw new InputException("--energy must be in (0, 1], got " + energy);
    }
    if (rank > 0 && !Double.isNaN(energy)) {
      throw new InputException("--rank " + rank + " and --energy " + energy + " both set the rank"
          + " of every layer: give one (named ranks, --rank fc1=64, may go with --energy)");
    }
    overrides = Map.copyOf(overrides);
    overrides.forEach((k, v) -> {
      if (v < 1) {
        throw new InputException("--rank " + k + " must be at least 1, got " + v);
      }
    });
    if (rank == 0 && Double.isNaN(energy) && overrides.isEmpty()) {
      throw new InputException("give --rank R (or per layer, fc1=64,fc2=32) or --energy E");
    }
  }

  /**
   * Parses {@code --rank} ({@code 64}, {@code fc1=64,fc2=32} or both, {@code 64,fc3=8}) and
   * {@code --energy}; either may be null.
   */
  public static RankSpec parse(String rankText, Double energy) {
    int all = 0;
    Map<String, Integer> over = new LinkedHashMap<>();
    if (rankText != null) {
      for (String part : rankText.split(",")) {
        String p = part.strip();
        int eq = p.indexOf('=');
        try {
          if (eq < 0) {
            all = Integer.parseInt(p);
            if (all < 1) {
              throw new InputException("--rank must be at least 1, got " + all);
            }
          } else {
            over.put(p.substring(0, eq).strip(), Integer.parseInt(p.substring(eq + 1).strip()));
          }
        } catch (NumberFormatException e) {
          throw new InputException("--rank: expected a whole number or LAYER=NUMBER, got '" + p
              + "'");
        }
      }
    }
    if (energy != null && Double.isNaN(energy)) {
      throw new InputException("--energy must be in (0, 1], got NaN");
    }
    return new RankSpec(all, energy == null ? Double.NaN : energy, over);
  }

  /** Whether this spec gives layer {@code name} a rank. */
  public boolean covers(String name) {
    return overrides.containsKey(name) || rank > 0 || !Double.isNaN(energy);
  }

  /**
   * The rank layer {@code name} keeps, given its singular values (descending).
   *
   * @throws InputException when a rank asked for is above the layer's full rank
   */
  public int rankOf(String name, double[] s, int rows, int cols) {
    Integer named = overrides.get(name);
    int r = named != null ? named : rank > 0 ? rank : byEnergy(s, energy);
    if (r > s.length) {
      String flag = named != null ? "--rank " + name + "=" + r : "--rank " + r;
      throw new InputException(flag + " is above the full rank of layer " + name + ": its weight"
          + " is " + rows + " x " + cols + ", so its rank is at most " + s.length
          + (named != null ? "" : "; give ranks per layer (--rank LAYER=R,...)"));
    }
    return r;
  }

  /** The smallest r with sum_{i<r} s_i^2 >= e * sum_i s_i^2 (at least 1). */
  public static int byEnergy(double[] s, double e) {
    double total = 0;
    for (double x : s) {
      total += x * x;
    }
    double target = e * total * (1 - SLACK);
    double sum = 0;
    for (int r = 0; r < s.length; r++) {
      sum += s[r] * s[r];
      if (sum >= target) {
        return r + 1;
      }
    }
    return s.length;
  }

  /** The fraction sum_{i<r} s_i^2 / sum_i s_i^2 (1 for an all-zero matrix). */
  public static double energy(double[] s, int r) {
    double total = 0;
    double kept = 0;
    for (int i = 0; i < s.length; i++) {
      total += s[i] * s[i];
      kept += i < r ? s[i] * s[i] : 0;
    }
    return total == 0 ? 1 : kept / total;
  }
}
