package dev.whittle.nn;

import java.util.Map;

/**
 * Recreates an {@link InputQuantizer} when a model is read, found with {@link
 * java.util.ServiceLoader} like {@link ConstraintFactory}.
 */
public interface InputQuantizerFactory {
  java.util.Set<String> kinds();

  InputQuantizer create(String kind, Map<String, Object> config);

  /** The factory for {@code kind}, or null when no technique on the class path knows it. */
  static InputQuantizerFactory forKind(String kind) {
    for (InputQuantizerFactory f : java.util.ServiceLoader.load(InputQuantizerFactory.class)) {
      if (f.kinds().contains(kind)) {
        return f;
      }
    }
    return null;
  }
}
