package dev.whittle.compress.prune;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import dev.whittle.train.Fitting;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.util.Locale;
import java.util.Map;

/** Runs a pruning schedule with its fine-tuning on one model, in place. */
public final class PruneSession {
  private PruneSession() {}

  /** What the session did: sparsity per layer, fine-tuning seconds. */
  public record Result(Map<String, Double> sparsity, double trainSeconds) {}

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
