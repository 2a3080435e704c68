package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves and restores a layer's {@link InputQuantizer}: its kind under the layer setting {@code
 * input_quant}, its settings and buffers under names prefixed {@code iq_}.
 */
final class InputQuantizers {
  static final String KIND = "input_quant";
  static final String PREFIX = "iq_";

  private InputQuantizers() {}

  static void putConfig(Map<String, Object> c, InputQuantizer q) {
    if (q == null) {
      return;
    }
    c.put(KIND, q.kind());
    q.config().forEach((k, v) -> c.put(PREFIX + k, v));
  }

  static Map<String, Tensor> buffers(InputQuantizer q) {
    if (q == null) {
      return Map.of();
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    q.buffers().forEach((k, v) -> m.put(PREFIX + k, v));
    return m;
  }

  /** The quantizer a saved layer's settings describe, or null. */
  static InputQuantizer create(Map<String, Object> c) {
    Object kind = c.get(KIND);
    if (kind == null) {
      return null;
    }
    if (!(kind instanceof String k)) {
      throw new InputException("layer setting '" + KIND + "' must be a string, got " + kind);
    }
    InputQuantizerFactory f = InputQuantizerFactory.forKind(k);
    if (f == null) {
      throw new InputException("unknown input quantizer '" + k + "' (written by a newer Whittle?)");
    }
    Map<String, Object> own = new LinkedHashMap<>();
    c.forEach((key, v) -> {
      if (key.startsWith(PREFIX)) {
        own.put(key.substring(PREFIX.length()), v);
      }
    });
    return f.create(k, own);
  }
}
