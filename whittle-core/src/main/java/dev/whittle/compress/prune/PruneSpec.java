package dev.whittle.compress.prune;

import dev.whittle.InputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much to prune: a target sparsity, per-layer overrides ({@code fc1=0.92,fc3=0.74}) and the
 * scope of the ranking: per layer, or one global threshold across the layers without an
 * override.
 */
public record PruneSpec(double sparsity, Map<String, Double> overrides, boolean global) {
  public PruneSpec {
    check("--sparsity", sparsity);
    overrides = Map.copyOf(overrides);
    overrides.forEach((k, v) -> check("--sparsity " + k, v));
  }

  private static void check(String what, double s) {
    if (!(s >= 0 && s < 1)) {
      throw new InputException(what + " must be in [0, 1), got " + s);
    }
  }

  /**
   * Parses {@code 0.9} or {@code fc1=0.92,fc2=0.91,fc3=0.74} or a mix ({@code 0.9,fc3=0.7}): a
   * bare number is the default for the layers not named.
   */
  public static PruneSpec parse(String text, boolean global) {
    double all = Double.NaN;
    Map<String, Double> over = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      try {
        int eq = p.indexOf('=');
        if (eq < 0) {
          all = Double.parseDouble(p);
        } else {
          over.put(p.substring(0, eq).strip(), Double.parseDouble(p.substring(eq + 1)));
        }
      } catch (NumberFormatException e) {
        throw new InputException("--sparsity: expected a number or LAYER=NUMBER, got '" + p + "'");
      }
    }
    if (Double.isNaN(all) && over.isEmpty()) {
      throw new InputException("--sparsity: no value given");
    }
    return new PruneSpec(Double.isNaN(all) ? 0 : all, over, global);
  }

  /** The same spec with every sparsity multiplied by {@code fraction} (a schedule's step). */
  public PruneSpec scaled(double fraction) {
    Map<String, Double> o = new LinkedHashMap<>();
    overrides.forEach((k, v) -> o.put(k, v * fraction));
    return new PruneSpec(sparsity * fraction, o, global);
  }

  /**
   * The same spec keeping only {@code keep} of what each sparsity keeps: every {@code s} becomes
   * {@code 1 - (1 - s) * keep} (a round past the target).
   */
  public PruneSpec denser(double keep) {
    Map<String, Double> o = new LinkedHashMap<>();
    overrides.forEach((k, v) -> o.put(k, 1 - (1 - v) * keep));
    return new PruneSpec(1 - (1 - sparsity) * keep, o, global);
  }
}
