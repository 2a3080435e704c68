package dev.whittle.compress.share;

import dev.whittle.InputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to share: bits per layer and the centroids' initialization. Without a number for a layer,
 * dense layers get 5 bits and convolutions 8, as in Han et al. 2016 (Table 2 and section 3).
 *
 * @param bits the bits of every layer not named, or 0 for the per-kind defaults
 * @param overrides bits by layer name
 */
public record ShareSpec(int bits, Map<String, Integer> overrides, KMeans.Init init, long seed) {
  public static final int DENSE_BITS = 5;
  public static final int CONV_BITS = 8;
  public static final int MAX_BITS = 16;

  public ShareSpec {
    if (bits != 0) {
      check("--bits", bits);
    }
    overrides = Map.copyOf(overrides);
    overrides.forEach((k, v) -> check("--bits " + k, v));
  }

  private static void check(String what, int b) {
    if (b < 1 || b > MAX_BITS) {
      throw new InputException(what + " must be in 1.." + MAX_BITS + ", got " + b);
    }
  }

  /** The bits of layer {@code name}; {@code conv} for a convolution. */
  public int bitsOf(String name, boolean conv) {
    Integer b = overrides.get(name);
    if (b != null) {
      return b;
    }
    return bits != 0 ? bits : conv ? CONV_BITS : DENSE_BITS;
  }

  /** Whether the bits of layer {@code name} were given, by name or for every layer. */
  public boolean given(String name) {
    return bits != 0 || overrides.containsKey(name);
  }

  /**
   * Parses {@code 5}, {@code fc1=4,fc3=6}, or both ({@code 5,fc3=6}): a bare number is the bits
   * of the layers not named; null or blank keeps the per-kind defaults.
   */
  public static ShareSpec parse(String text, KMeans.Init init, long seed) {
    int all = 0;
    Map<String, Integer> over = new LinkedHashMap<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",")) {
        String p = part.strip();
        int eq = p.indexOf('=');
        try {
          if (eq < 0) {
            all = Integer.parseInt(p);
            check("--bits", all);
          } else {
            over.put(p.substring(0, eq).strip(), Integer.parseInt(p.substring(eq + 1).strip()));
          }
        } catch (NumberFormatException e) {
          throw new InputException("--bits: expected a whole number or LAYER=NUMBER, got '" + p
              + "'");
        }
      }
    }
    return new ShareSpec(all, over, init, seed);
  }
}
