package dev.whittle.compress.quantize;

import dev.whittle.InputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to quantize and how: the mode, the default bits and per-layer overrides, the weight scheme
 * and, for post-training static quantization, the calibrator and calibration size.
 *
 * @param layerBits bits per layer name, overriding {@code bits}
 * @param actBits bits of the activations (layer inputs); 0 means the layer's weight bits
 * @param perChannel per output channel weight scales for every layer
 * @param perChannelLayers per-channel for these layers only (when {@code perChannel} is false)
 * @param binaryActivations binary mode: binarize the inputs of the hidden layers too (BNN)
 * @param quantizeEdges quantize the first and last layers as asked too, instead of keeping them
 *     at 8 bits
 */
public record QuantSpec(
    Mode mode,
    int bits,
    Map<String, Integer> layerBits,
    int actBits,
    boolean perChannel,
    Set<String> perChannelLayers,
    boolean symmetric,
    String calibration,
    int calibrationSamples,
    boolean binaryActivations,
    boolean quantizeEdges) {

  /** The quantization methods. */
  public enum Mode {
    /** Post-training static: int weights, activation ranges calibrated on training data. */
    PTQ,
    /** Int weights; each sample's activation range measured at run time. */
    DYNAMIC,
    /** Quantization-aware training: fake-quant weights and activations, ranges tracked. */
    QAT,
    BINARY,
    TERNARY,
    LOGIC;

    public static Mode parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InputException(
            "--mode must be ptq, dynamic, qat, binary, ternary or logic, got '" + s + "'");
      }
    }

    /** Whether the weights are uniform b-bit integers. */
    public boolean uniform() {
      return this == PTQ || this == DYNAMIC || this == QAT;
    }

    /** Whether the mode trains (fine-tunes latent weights). */
    public boolean trains() {
      return this != PTQ && this != DYNAMIC;
    }
  }

  public QuantSpec {
    layerBits = Map.copyOf(layerBits);
    perChannelLayers = Set.copyOf(perChannelLayers);
    if (mode.uniform()) {
      checkBits("--bits", bits);
      layerBits.forEach((k, v) -> checkBits("--bits " + k, v));
    }
    if (actBits != 0) {
      checkBits("--act-bits", actBits);
    }
  }

  private static void checkBits(String flag, int b) {
    if (b < 2 || b > 8) {
      throw new InputException(flag + " must be between 2 and 8 bits, got " + b
          + " (use --mode binary for 1-bit weights)");
    }
  }

  /**
   * Parses {@code --bits}: a default ({@code 8}), per-layer values ({@code fc1=4,fc2=4}), or both
   * ({@code 4,fc3=8}). Returns the default (8 when none is given) under the key "" and the
   * overrides under their layer names.
   */
  public static Map<String, Integer> parseBits(String spec) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("", 8);
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      int eq = p.indexOf('=');
      String name = eq < 0 ? "" : p.substring(0, eq).trim();
      String v = eq < 0 ? p : p.substring(eq + 1).trim();
      int b;
      try {
        b = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new InputException("--bits expects 8 or layer=bits pairs such as fc1=4,fc3=8, got '"
            + part + "'");
      }
      if (b < 1 || b > 8) {
        throw new InputException("--bits " + (name.isEmpty() ? "" : name + "=") + b
            + " is outside 1..8");
      }
      m.put(name, b);
    }
    return m;
  }
}
