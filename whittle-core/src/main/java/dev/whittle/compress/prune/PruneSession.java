package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.train.Fitting;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Runs a pruning schedule with its fine-tuning on one model, in place. */
public final class PruneSession {
  private PruneSession() {}

  /** What the session did: sparsity per layer, fine-tuning seconds. */
  public record Result(Map<String, Double> sparsity, double trainSeconds) {}

  /**
   * Pruning past the spec while held-out accuracy holds ({@code --max-loss}): after the
   * schedule, each further round removes {@link #STEP} of the remaining weights (the same
   * importance and scope) and fine-tunes as long as a scheduled round; a round is kept while
   * {@code accuracy} on data the model never trained on is at least {@code floor}, and the first
   * that falls below it is undone, which ends the pruning.
   *
   * @param accuracy the held-out accuracy of a model
   * @param floor the least held-out accuracy a round may leave
   */
  public record Beyond(ToDoubleFunction<Model> accuracy, double floor) {
    /** The fraction of the remaining weights each further round removes. */
    public static final double STEP = 0.25;

    /** Rounds at most: the sparsity then is 1 - (1 - s) * 0.75^12, 97% of what remained. */
    static final int MAX_ROUNDS = 12;
  }

  /**
   * @param finetune the fine-tuning run; its epoch count is the whole budget, split across the
   *     rounds of an iterative schedule
   */
  public static Result run(Model model, Dataset data, Importance importance, PruneSpec spec,
      String method, PruningSchedule schedule, TrainConfig finetune, int finetuneEpochs,
      Progress progress) {
    return run(model, data, importance, spec, method, schedule, finetune, finetuneEpochs, progress,
        Fitting.direct());
  }

  /** As above, with every fine-tuning run going through {@code fitting} (checkpoints). */
  public static Result run(Model model, Dataset data, Importance importance, PruneSpec spec,
      String method, PruningSchedule schedule, TrainConfig finetune, int finetuneEpochs,
      Progress progress, Fitting fitting) {
    return run(model, data, importance, spec, method, schedule, finetune, finetuneEpochs,
        progress, fitting, null);
  }

  /**
   * As above, then pruning further while {@code beyond} (or null) allows. A round that is undone
   * leaves the model as the round before it left it.
   */
  public static Result run(Model model, Dataset data, Importance importance, PruneSpec spec,
      String method, PruningSchedule schedule, TrainConfig finetune, int finetuneEpochs,
      Progress progress, Fitting fitting, Beyond beyond) {
    Result r = schedule(model, data, importance, spec, method, schedule, finetune,
        finetuneEpochs, progress, fitting);
    if (beyond == null) {
      return r;
    }
    int epochs = schedule.kind() == PruningSchedule.Kind.ITERATIVE
        ? Math.max(1, finetuneEpochs / schedule.rounds()) : Math.max(1, finetuneEpochs);
    Map<String, Double> reached = r.sparsity();
    double seconds = r.trainSeconds();
    double acc = beyond.accuracy().applyAsDouble(model);
    progress.message(String.format(Locale.ROOT,
        "prune: held-out accuracy %.2f%% at %.1f%% sparsity (floor %.2f%%)", 100 * acc,
        100 * Pruner.sparsity(model), 100 * beyond.floor()));
    double keep = 1;
    for (int round = 1; round <= Beyond.MAX_ROUNDS && acc >= beyond.floor(); round++) {
      keep *= 1 - Beyond.STEP;
      byte[] before = ModelFile.toBytes(model);
      Map<String, Double> now = Pruner.prune(model, importance, spec.denser(keep), method);
      report(progress, "further round " + round + ": pruned", now);
      seconds += finetune(model, data, finetune, epochs, progress, fitting);
      acc = beyond.accuracy().applyAsDouble(model);
      if (acc >= beyond.floor()) {
        reached = now;
        progress.message(String.format(Locale.ROOT,
            "prune: held-out accuracy %.2f%% at %.1f%%: kept", 100 * acc,
            100 * Pruner.sparsity(model)));
      } else {
        double tried = Pruner.sparsity(model);
        model.restoreInPlace(ModelFile.fromBytes(before));
        progress.message(String.format(Locale.ROOT,
            "prune: held-out accuracy %.2f%% at %.1f%%, below the floor: undone, pruning ends at"
                + " %.1f%%", 100 * acc, 100 * tried, 100 * Pruner.sparsity(model)));
      }
    }
    return new Result(reached, seconds);
  }

  private static Result schedule(Model model, Dataset data, Importance importance,
      PruneSpec spec, String method, PruningSchedule schedule, TrainConfig finetune,
      int finetuneEpochs, Progress progress, Fitting fitting) {
    double seconds = 0;
    Map<String, Double> reached;
    switch (schedule.kind()) {
      case ONESHOT -> {
        reached = Pruner.prune(model, importance, spec, method);
        report(progress, "pruned", reached);
        seconds += finetune(model, data, finetune, finetuneEpochs, progress, fitting);
      }
      case ITERATIVE -> {
        int k = schedule.rounds();
        reached = Map.of();
        for (int r = 1; r <= k; r++) {
          reached = Pruner.prune(model, importance, spec.scaled((double) r / k), method);
          report(progress, "round " + r + "/" + k + ": pruned", reached);
          int epochs = finetuneEpochs * r / k - finetuneEpochs * (r - 1) / k;
          seconds += finetune(model, data, finetune, epochs, progress, fitting);
        }
      }
      case POLYNOMIAL -> {
        if (finetuneEpochs < 1) {
          throw new InputException("--schedule polynomial prunes during fine-tuning: give"
              + " --finetune-epochs of at least 1");
        }
        long batches = (data.n() + finetune.batchSize() - 1) / finetune.batchSize();
        long total = batches * finetuneEpochs;
        int updates = (int) Math.min(schedule.rounds(), Math.max(1, total * 3 / 4));
        long every = Math.max(1, total * 3 / 4 / updates);
        PolynomialSchedule poly = new PolynomialSchedule(0, 1, 0, updates, every);
        Pruner.prune(model, importance, spec.scaled(0), method);
        Trainer t = new Trainer(finetune.withEpochs(finetuneEpochs), progress);
        t.onStep((step, all) -> {
          if (poly.updatesAt(step + 1)) {
            Pruner.prune(model, importance, spec.scaled(poly.sparsityAt(step + 1)), method);
          }
        });
        seconds += fitting.fit(t, model, data).seconds();
        reached = Pruner.prune(model, importance, spec, method);
        report(progress, "pruned gradually", reached);
      }
      default -> throw new IllegalStateException();
    }
    return new Result(reached, seconds);
  }

  private static double finetune(Model model, Dataset data, TrainConfig cfg, int epochs,
      Progress progress, Fitting fitting) {
    if (epochs < 1) {
      return 0;
    }
    return fitting.fit(new Trainer(cfg.withEpochs(epochs), progress), model, data).seconds();
  }

  private static void report(Progress p, String what, Map<String, Double> reached) {
    StringBuilder b = new StringBuilder("prune: " + what);
    reached.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.1f%%", k, 100 * v)));
    p.message(b.toString());
  }
}
