package dev.whittle.compress.quantize;

import dev.whittle.InputException;
import dev.whittle.data.Batches;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Context;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantizes a model's Dense and Conv2d layers as a {@link QuantSpec} says: weight constraints on
 * every weighted layer and, for the integer modes, a quantizer on each such layer's input.
 *
 * <p>Steps: {@link #prepare} (folds BatchNorm for the integer modes, attaches everything); then
 * {@link #calibrate} for post-training static quantization, or fine-tuning with the ordinary
 * trainer for the training modes; then {@link #freeze}, after which the scales stay as they are
 * and the model is saved.
 *
 * <p>The first and last weighted layers stay at 8 bits when fewer are asked for (their errors
 * hurt most, and they hold few weights), unless named in the per-layer bits; in the binary,
 * ternary and logic modes they get 8-bit uniform weights. {@link Prepared#notes()} says so.
 */
public final class Quantization {
  private Quantization() {}

  /** The quantized model (BatchNorm folded when it had any to fold) and what was done. */
  public record Prepared(Model model, Map<String, String> layers, List<String> notes) {}

  /**
   * Attaches the quantizers. Works in place on the source model's layers (a folded BatchNorm's
   * layer is replaced by a new one): use the returned model and drop the source.
   */
  public static Prepared prepare(Model source, QuantSpec spec) {
    for (String name : spec.layerBits().keySet()) {
      if (!name.isEmpty() && weighted(source, name) == null) {
        throw new InputException("--bits names layer '" + name + "', which "
            + (has(source, name) ? "has no weights to quantize" : "the model does not have")
            + "; weighted layers: " + String.join(", ", weightedNames(source)));
      }
    }
    for (String name : spec.perChannelLayers()) {
      if (weighted(source, name) == null) {
        throw new InputException("--per-channel names layer '" + name + "', which "
            + (has(source, name) ? "has no channel axis (only Dense and Conv2d weights have one)"
                : "the model does not have"));
      }
    }
    Model model = spec.mode().uniform() ? BatchNormFolding.fold(source) : source;
    List<String> names = weightedNames(model);
    Map<String, String> layers = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Layer l = weighted(model, name);
      Parameter w = l instanceof Dense d ? d.weight() : ((Conv2d) l).weight();
      for (Constraint c : w.constraints()) {
        if (c instanceof dev.whittle.nn.SharedWeights) {
          throw new InputException("layer '" + name + "' shares its weights through a codebook;"
              + " quantize before sharing, or share alone (its indices already are "
              + "low-bit integers)");
        }
      }
      removeQuantization(w);
      boolean edge = i == 0 || i == names.size() - 1;
      Integer named = spec.layerBits().get(name);
      boolean uniformLayer;
      int bits;
      if (spec.mode().uniform()) {
        uniformLayer = true;
        bits = named != null ? named : spec.bits();
      } else if (named != null) {
        uniformLayer = named >= 2;
        bits = named;
      } else {
        uniformLayer = edge && names.size() > 1 && !spec.quantizeEdges();
        bits = 8;
      }
      if (edge && named == null && names.size() > 1 && !spec.quantizeEdges()
          && (bits < 8 || !spec.mode().uniform())) {
        kept.add(name);
        bits = 8;
      }
      boolean perChannel = spec.perChannel() || spec.perChannelLayers().contains(name);
      int channels = w.latent().dim(0);
      InputQuantizer input = null;
      String what;
      if (uniformLayer) {
        if (bits == 1) {
          throw new InputException("--bits 1 on layer '" + name + "' needs --mode binary");
        }
        UniformWeights uw = new UniformWeights(bits, spec.symmetric(), perChannel, channels);
        w.addConstraint(uw);
        if (!spec.mode().trains()) {
          uw.freeze();
        }
        int ab = spec.actBits() != 0 ? spec.actBits() : bits;
        if (spec.mode().uniform()) {
          UniformInput.Mode m = switch (spec.mode()) {
            case PTQ -> UniformInput.Mode.CALIBRATE;
            case DYNAMIC -> UniformInput.Mode.DYNAMIC;
            default -> UniformInput.Mode.TRACK;
          };
          input = new UniformInput(ab, false, m);
        }
        what = "int" + bits + (perChannel ? " per channel" : " per tensor")
            + (input == null ? ", float input" : ", int" + ab + " input");
      } else {
        LowBitWeights.Type t = switch (spec.mode()) {
          case BINARY -> LowBitWeights.Type.BINARY;
          case TERNARY -> LowBitWeights.Type.TERNARY;
          default -> LowBitWeights.Type.LOGIC;
        };
        if (t == LowBitWeights.Type.LOGIC) {
          LowBitWeights.checkLogic(name, w.latent().data());
        }
        w.addConstraint(new LowBitWeights(t, channels));
        if (spec.binaryActivations() && t == LowBitWeights.Type.BINARY) {
          input = new SignInput();
        }
        what = t.name().toLowerCase(java.util.Locale.ROOT) + (input == null ? ", float input"
            : ", binary input");
      }
      setInput(l, input);
      w.refresh();
      layers.put(name, what);
    }
    List<String> notes = new ArrayList<>();
    if (!kept.isEmpty()) {
      notes.add(String.join(" and ", kept) + " kept at 8 bits (first and last layers;"
          + " name them in --bits, or pass --quantize-edges, to override)");
    }
    if (model != source) {
      notes.add("BatchNorm folded into the layers before it");
    }
    return new Prepared(model, layers, notes);
  }

  /**
   * Runs {@code samples} training samples through the model in batches so that each calibrating
   * input quantizer sees its layer's inputs, then fixes every range.
   */
  public static void calibrate(Model model, Dataset data, QuantSpec spec, int batch) {
    if (spec.calibrationSamples() < batch) {
      throw new InputException("--calibration-samples " + spec.calibrationSamples()
          + " is smaller than one batch (" + batch + ")");
    }
    if (data.n() < batch) {
      throw new InputException("the calibration set has " + data.n()
          + " samples, fewer than one batch (" + batch + ")");
    }
    List<UniformInput> inputs = new ArrayList<>();
    for (Graph.Node n : model.graph().nodes()) {
      if (input(n.layer()) instanceof UniformInput u && u.mode() == UniformInput.Mode.CALIBRATE) {
        u.calibrate(Calibrator.parse(spec.calibration(),
            u.bits(), u.symmetric(), false));
        inputs.add(u);
      }
    }
    int total = Math.min(spec.calibrationSamples(), data.n());
    int[] order = Batches.permutation(data.n(), 7, 0);
    int features = data.features();
    float[] x = new float[batch * features];
    int[] y = new int[batch];
    for (int from = 0; from < total; from += batch) {
      int to = Math.min(total, from + batch);
      Batches.gather(data, order, from, to, x, y);
      int n = to - from;
      float[] xb = n == batch ? x : java.util.Arrays.copyOf(x, n * features);
      model.forward(new Tensor(Shapes.batched(n, data.sampleShape()), xb), Context.EVAL);
    }
    for (UniformInput u : inputs) {
      u.finishCalibration();
    }
  }

  /** Fixes every tracked scale and range: the model is then saved as it is. */
  public static void freeze(Model model) {
    for (Graph.Node n : model.graph().nodes()) {
      if (input(n.layer()) instanceof UniformInput u) {
        u.freeze();
      }
      for (Parameter p : n.layer().parameters()) {
        for (Constraint c : p.constraints()) {
          if (c instanceof UniformWeights u) {
            u.freeze();
          } else if (c instanceof LowBitWeights l) {
            l.freeze();
          }
        }
        p.refresh();
      }
    }
  }

  /** Bits of each weighted layer's weights, 32 for float. */
  public static int bits(Parameter p) {
    QuantizedWeights q = p.constraint(QuantizedWeights.class);
    return q == null ? 32 : q.bits();
  }

  private static void removeQuantization(Parameter w) {
    List<Constraint> keep = new ArrayList<>();
    for (Constraint c : w.constraints()) {
      if (!(c instanceof QuantizedWeights)) {
        keep.add(c);
      }
    }
    w.clearConstraints();
    keep.forEach(w::addConstraint);
  }

  static InputQuantizer input(Layer l) {
    return l instanceof Dense d ? d.inputQuantizer()
        : l instanceof Conv2d c ? c.inputQuantizer() : null;
  }

  private static void setInput(Layer l, InputQuantizer q) {
    if (l instanceof Dense d) {
      d.setInputQuantizer(q);
    } else {
      ((Conv2d) l).setInputQuantizer(q);
    }
  }

  private static Layer weighted(Model m, String name) {
    for (Graph.Node n : m.graph().nodes()) {
      if (n.name().equals(name) && (n.layer() instanceof Dense || n.layer() instanceof Conv2d)) {
        return n.layer();
      }
    }
    return null;
  }

  private static boolean has(Model m, String name) {
    return m.graph().nodes().stream().anyMatch(n -> n.name().equals(name));
  }

  private static List<String> weightedNames(Model m) {
    List<String> out = new ArrayList<>();
    for (Graph.Node n : m.graph().nodes()) {
      if (n.layer() instanceof Dense || n.layer() instanceof Conv2d) {
        out.add(n.name());
      }
    }
    return out;
  }
}
