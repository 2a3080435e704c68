package dev.whittle.train;

import dev.whittle.InputException;
import dev.whittle.io.ModelFile;
import dev.whittle.io.WtlModel;
import dev.whittle.io.WtlReader;
import dev.whittle.io.WtlWriter;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a {@code .wtl} model file whose state section holds the optimizer state
 * (and the best weights when early stopping is on) and whose provenance records the epochs done,
 * the curve so far and the early-stopping counters. Doubles are written with {@link
 * Double#toString}, which reads back to the same bits, so a resumed run is exact.
 */
public final class Checkpoint {
  private static final String EPOCHS = "checkpoint.epochs_done";
  private static final String CURVE = "checkpoint.curve";
  private static final String BEST = "checkpoint.best_val_loss";
  private static final String BAD = "checkpoint.bad_epochs";
  private static final String STAGE = "checkpoint.stage";
  private static final String BEFORE = "checkpoint.curve_before";
  private static final String BEST_PREFIX = "best/";

  private Checkpoint() {}

  /**
   * What a checkpoint gives back; {@code stage} counts the training runs of the command before
   * the one it was written in (0 for a command that trains once), {@code before} holds their
   * epochs (empty in a checkpoint that did not record them).
   */
  public record Loaded(Model model, int stage, int epochsDone, List<EpochStats> curve,
      Map<String, Tensor> optimizerState, double best, int bad, Map<String, Tensor> bestWeights,
      List<EpochStats> before) {}

  public static void save(Path file, Model model, int epochsDone, Optimizer optimizer,
      List<EpochStats> curve, Trainer.EarlyStop stop) {
    save(file, model, 0, epochsDone, optimizer, curve, stop, List.of());
  }

  /** As above, in training run {@code stage} of a command whose earlier runs had {@code before}. */
  public static void save(Path file, Model model, int stage, int epochsDone, Optimizer optimizer,
      List<EpochStats> curve, Trainer.EarlyStop stop, List<EpochStats> before) {
    Map<String, Tensor> state = new LinkedHashMap<>(optimizer.state());
    if (stop.bestWeights() != null) {
      stop.bestWeights().forEach((k, t) -> state.put(BEST_PREFIX + k, t));
    }
    WtlModel rec = ModelFile.toRecord(model, state);
    Map<String, String> prov = new LinkedHashMap<>(rec.provenance());
    prov.put(EPOCHS, Integer.toString(epochsDone));
    prov.put(CURVE, encode(curve));
    prov.put(BEST, Double.toString(stop.best()));
    prov.put(BAD, Integer.toString(stop.badEpochs()));
    prov.put(STAGE, Integer.toString(stage));
    prov.put(BEFORE, encode(before));
    WtlWriter.write(new WtlModel(rec.nodes(), rec.tensors(), rec.constraints(), rec.state(), prov), file);
  }

  public static Loaded load(Path file) {
    String name = file.getFileName().toString();
    WtlModel rec = WtlReader.read(file);
    Map<String, String> prov = new LinkedHashMap<>(rec.provenance());
    String epochs = prov.remove(EPOCHS);
    String curve = prov.remove(CURVE);
    String best = prov.remove(BEST);
    String bad = prov.remove(BAD);
    String stage = prov.remove(STAGE);
    String before = prov.remove(BEFORE);
    if (epochs == null || curve == null || best == null || bad == null) {
      throw new InputException(name + ": not a training checkpoint (no checkpoint.* provenance)");
    }
    ModelFile.Loaded loaded = ModelFile.fromRecord(
        new WtlModel(rec.nodes(), rec.tensors(), rec.constraints(), rec.state(), prov), name);
    Map<String, Tensor> opt = new LinkedHashMap<>();
    Map<String, Tensor> bestWeights = new LinkedHashMap<>();
    loaded.state().forEach((k, t) -> {
      if (k.startsWith(BEST_PREFIX)) {
        bestWeights.put(k.substring(BEST_PREFIX.length()), t);
      } else {
        opt.put(k, t);
      }
    });
    try {
      return new Loaded(loaded.model(), stage == null ? 0 : Integer.parseInt(stage),
          Integer.parseInt(epochs), decode(curve), opt,
          Double.parseDouble(best), Integer.parseInt(bad), bestWeights.isEmpty() ? null : bestWeights,
          before == null ? List.of() : decode(before));
    } catch (NumberFormatException e) {
      throw new InputException(name + ": checkpoint provenance is malformed: " + e.getMessage());
    }
  }

  static String encode(List<EpochStats> curve) {
    StringBuilder b = new StringBuilder();
    for (EpochStats s : curve) {
      b.append(b.length() == 0 ? "" : ";").append(s.epoch()).append(',').append(s.lr())
          .append(',').append(s.trainLoss()).append(',').append(s.trainAccuracy()).append(',')
          .append(s.valLoss()).append(',').append(s.valAccuracy());
    }
    return b.toString();
  }

  static List<EpochStats> decode(String text) {
    List<EpochStats> out = new ArrayList<>();
    if (text.isEmpty()) {
      return out;
    }
    for (String row : text.split(";")) {
      String[] f = row.split(",");
      if (f.length != 6) {
        throw new NumberFormatException("curve row '" + row + "'");
      }
      out.add(new EpochStats(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
          Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
          Double.parseDouble(f[5])));
    }
    return out;
  }
}
