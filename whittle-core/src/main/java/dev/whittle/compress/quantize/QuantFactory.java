package dev.whittle.compress.quantize;

import dev.whittle.InputException;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.ConstraintFactory;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.nn.InputQuantizerFactory;
import dev.whittle.tensor.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Recreates quantization constraints and input quantizers when a model is read. */
public final class QuantFactory implements ConstraintFactory, InputQuantizerFactory {
  @Override
  public Set<String> kinds() {
    return Set.of(UniformWeights.KIND, LowBitWeights.Type.BINARY.kind,
        LowBitWeights.Type.TERNARY.kind, LowBitWeights.Type.LOGIC.kind, UniformInput.KIND,
        SignInput.KIND);
  }

  @Override
  public Constraint create(String kind, Map<String, Object> config, Map<String, Tensor> tensors,
      Tensor latent) {
    int channels = integer(config, "channels", 1, latent.dim(0));
    if (latent.size() % channels != 0 || channels != latent.dim(0)) {
      throw new InputException("'channels' " + channels + " does not match the weight's first axis "
          + latent.dim(0));
    }
    if (kind.equals(UniformWeights.KIND)) {
      int bits = integer(config, "bits", 2, 8);
      boolean symmetric = integer(config, "symmetric", 0, 1) == 1;
      boolean perChannel = integer(config, "per_channel", 0, 1) == 1;
      if (tracking(config)) {
        // A checkpoint during training: latent floats were saved; scales refit at refresh.
        return new UniformWeights(bits, symmetric, perChannel, channels);
      }
      int n = perChannel ? channels : 1;
      float[] scale = java.util.Arrays.copyOf(vector(tensors, "scale", channels), n);
      float[] zp = java.util.Arrays.copyOf(vector(tensors, "zero_point", channels), n);
      int[] z = new int[n];
      for (int i = 0; i < n; i++) {
        if (!(scale[i] > 0f) || Float.isInfinite(scale[i])) {
          throw new InputException("scale " + scale[i] + " is not a positive number");
        }
        z[i] = (int) zp[i];
        if (z[i] != zp[i]) {
          throw new InputException("zero point " + zp[i] + " is not an integer");
        }
      }
      QParams q = new QParams(bits, true, scale, z);
      for (int v : z) {
        if (v < q.qmin() || v > q.qmax()) {
          throw new InputException("zero point " + v + " lies outside the " + bits + "-bit range");
        }
      }
      return new UniformWeights(bits, symmetric, perChannel, channels, q);
    }
    LowBitWeights.Type type = LowBitWeights.Type.ofKind(kind);
    if (tracking(config)) {
      return new LowBitWeights(type, channels); // as above: levels refit from the latent weights
    }
    return new LowBitWeights(type, channels, vector(tensors, "scale", channels),
        vector(tensors, "offset", channels));
  }

  @Override
  public InputQuantizer create(String kind, Map<String, Object> config) {
    if (kind.equals(SignInput.KIND)) {
      return new SignInput();
    }
    int bits = integer(config, "bits", 2, 8);
    boolean symmetric = integer(config, "symmetric", 0, 1) == 1;
    Object m = config.get("mode");
    UniformInput.Mode mode;
    try {
      mode = UniformInput.Mode.valueOf(String.valueOf(m).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InputException("input quantizer mode '" + m + "' is not static, track or dynamic");
    }
    if (mode == UniformInput.Mode.CALIBRATE) {
      throw new InputException("input quantizer mode 'calibrate' cannot be saved");
    }
    UniformInput q = new UniformInput(bits, symmetric, mode);
    q.loaded();
    return q;
  }

  /** Whether the weights were still being fitted when saved (a checkpoint during training). */
  private static boolean tracking(Map<String, Object> c) {
    return c.containsKey("tracking") && integer(c, "tracking", 1, 1) == 1;
  }

  private static int integer(Map<String, Object> c, String key, int lo, int hi) {
    Object v = c.get(key);
    if (!(v instanceof Long l) || l < lo || l > hi) {
      throw new InputException("setting '" + key + "' must be an integer in " + lo + ".." + hi
          + ", got " + v);
    }
    return (int) (long) l;
  }

  private static float[] vector(Map<String, Tensor> tensors, String name, int n) {
    Tensor t = tensors.get(name);
    if (t == null || t.size() != n) {
      throw new InputException("tensor '" + name + "' must hold " + n + " values, got "
          + (t == null ? "none" : t.size()));
    }
    for (float v : t.data()) {
      if (!Float.isFinite(v)) {
        throw new InputException("tensor '" + name + "' holds a value that is not finite");
      }
    }
    return t.data().clone();
  }
}
