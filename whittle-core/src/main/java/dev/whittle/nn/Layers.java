package dev.whittle.nn;

import dev.whittle.InputException;
import java.util.Map;

/** Creates a layer from its kind and settings, as saved in a model file. */
public final class Layers {
  private Layers() {}

  public static Layer create(String kind, Map<String, Object> c) {
    return switch (kind) {
      case "dense" -> {
        Dense d = new Dense(i(c, "in"), i(c, "out"), i(c, "bias") != 0);
        d.setInputQuantizer(InputQuantizers.create(c));
        yield d;
      }
      case "conv2d" -> {
        long[] k = longs(c, "kernel");
        Conv2d conv = new Conv2d(i(c, "in_channels"), i(c, "out_channels"), (int) k[0], (int) k[1],
            i(c, "stride"), i(c, "pad"), i(c, "bias") != 0);
        conv.setInputQuantizer(InputQuantizers.create(c));
        yield conv;
      }
      case "maxpool2d" -> new Pool2d(Pool2d.Mode.MAX, i(c, "kernel"), i(c, "stride"));
      case "avgpool2d" -> new Pool2d(Pool2d.Mode.AVG, i(c, "kernel"), i(c, "stride"));
      case "batchnorm" -> new BatchNorm(i(c, "features"), (float) d(c, "eps"), (float) d(c, "momentum"));
      case "relu", "tanh", "sigmoid" -> new Activation(Activation.Function.ofKind(kind), 0f);
      case "leaky_relu" -> new Activation(Activation.Function.LEAKY_RELU, (float) d(c, "alpha"));
      case "dropout" -> new Dropout((float) d(c, "p"));
      case "flatten" -> new Flatten();
      case "add" -> new Add();
      case "softmax" -> new Softmax();
      default -> throw new InputException("unknown layer kind '" + kind + "'");
    };
  }

  /**
   * The values the parameters of a layer of this kind and settings hold, computed from the
   * settings alone, so that a reader can check it against its limits before the layer allocates
   * them; saturates at {@link Long#MAX_VALUE}. Kinds without parameters give 0.
   */
  public static long parameterCount(String kind, Map<String, Object> c) {
    try {
      return switch (kind) {
        case "dense" -> Math.addExact(Math.multiplyExact((long) i(c, "in"), i(c, "out")), i(c, "out"));
        case "conv2d" -> {
          long[] k = longs(c, "kernel");
          long oc = i(c, "out_channels");
          long w = Math.multiplyExact(Math.multiplyExact(oc, i(c, "in_channels")),
              Math.multiplyExact(k[0], k[1]));
          yield Math.addExact(w, oc);
        }
        case "batchnorm" -> 4L * i(c, "features");
        default -> 0;
      };
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Object get(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (v == null) {
      throw new InputException("layer setting '" + key + "' is missing");
    }
    return v;
  }

  private static int i(Map<String, Object> c, String key) {
    if (get(c, key) instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return (int) (long) l;
    }
    throw new InputException("layer setting '" + key + "' must be an integer, got " + c.get(key));
  }

  private static double d(Map<String, Object> c, String key) {
    if (get(c, key) instanceof Double v) {
      return v;
    }
    throw new InputException("layer setting '" + key + "' must be a number, got " + c.get(key));
  }

  private static long[] longs(Map<String, Object> c, String key) {
    if (get(c, key) instanceof long[] v && v.length == 2) {
      return v;
    }
    throw new InputException("layer setting '" + key + "' must be two integers");
  }
}
