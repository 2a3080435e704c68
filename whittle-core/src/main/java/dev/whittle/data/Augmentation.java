package dev.whittle.data;

import dev.whittle.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A random change to training inputs, made afresh for every batch: the jittered or noisy copies
 * that Hinton et al. 2015 distill on (section 3 trains on MNIST "jittered by up to two pixels in
 * any direction"). Deterministic: the same seed gives the same change.
 */
@FunctionalInterface
public interface Augmentation {
  /**
   * Changes {@code n} samples of shape {@code sampleShape}, stored one after another at the start
   * of {@code x}, in place.
   */
  void applyInPlace(float[] x, int n, int[] sampleShape, long seed);

  /** Shifts each image by up to {@code pixels} in each direction, filling with zeros. */
  static Augmentation jitter(int pixels) {
    return new Jitter(pixels);
  }

  /** Adds Gaussian noise of standard deviation {@code sigma} to every value. */
  static Augmentation noise(double sigma) {
    return new GaussianNoise(sigma);
  }

  /** This change, then {@code next}. */
  default Augmentation then(Augmentation next) {
    Augmentation first = this;
    return (x, n, shape, seed) -> {
      first.applyInPlace(x, n, shape, seed);
      next.applyInPlace(x, n, shape, ~seed);
    };
  }

  /**
   * Parses {@code jitter:P}, {@code noise:SIGMA}, or several joined by commas, applied in order.
   *
   * @param flag the command-line flag, for messages
   */
  static Augmentation parse(String spec, String flag) {
    List<Augmentation> parts = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      String[] kv = p.split(":", 2);
      try {
        if (kv.length == 2 && kv[0].equals("jitter")) {
          parts.add(jitter(Integer.parseInt(kv[1])));
          continue;
        }
        if (kv.length == 2 && kv[0].equals("noise")) {
          parts.add(noise(Double.parseDouble(kv[1])));
          continue;
        }
      } catch (NumberFormatException e) {
        throw new InputException(flag + ": bad number in '" + part + "'");
      }
      throw new InputException(flag + ": unknown augmentation '" + part
          + "'; expected jitter:PIXELS or noise:SIGMA, or several joined by commas");
    }
    Augmentation a = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      a = a.then(parts.get(i));
    }
    return a;
  }
}
