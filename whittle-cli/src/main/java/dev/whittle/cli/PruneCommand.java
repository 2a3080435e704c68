package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.PruneSession;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.Pruner;
import dev.whittle.compress.prune.PruningSchedule;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code whittle prune}: unstructured pruning with fine-tuning. */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = "Prune a model's weights (magnitude, first-order importance, random, or L1"
        + " sparsity-driven), fine-tune it, and save it with its zeros stored sparsely.",
    footer = {"", "Example:",
        "  whittle prune base.wtl --method magnitude --sparsity 0.92 --scope global"
            + " --schedule iterative:4 --finetune-epochs 4 --data mnist --out p.wtl",
        "  whittle prune base.wtl --sparsity fc1=0.92,fc2=0.91,fc3=0.74 --data mnist --out p.wtl"})
final class PruneCommand implements Callable<Integer>, StepCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--method", paramLabel = "M", defaultValue = "magnitude",
      description = "magnitude, first-order, random or l1 (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--structured", paramLabel = "CRITERION",
      description = "remove whole neurons and filters, ranked by l1, l2 or first-order, so the"
          + " layers shrink; --sparsity is then the fraction of each layer's channels removed")
  String structured;

  @Option(names = "--sparsity", required = true, paramLabel = "S",
      description = "fraction of weights to remove: 0.92, or per layer fc1=0.92,fc3=0.74")
  String sparsity;

  @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "layer",
      description = "layer (each layer at the sparsity) or global (one threshold across layers)"
          + " (default: ${DEFAULT-VALUE})")
  String scope;

  @Option(names = "--schedule", paramLabel = "S", defaultValue = "oneshot",
      description = "oneshot, iterative:K or polynomial[:UPDATES] (default: ${DEFAULT-VALUE})")
  String schedule;

  @Mixin FinetuneOption finetune;

  @Option(names = "--max-loss", paramLabel = "POINTS",
      description = "after --sparsity, keep pruning (a quarter of the remaining weights per"
          + " round, each fine-tuned like a scheduled round) while accuracy on the validation"
          + " split the model was trained without stays within POINTS percentage points of the"
          + " unpruned model's; 0 allows no loss. Needs a model trained with --validation")
  Double maxLoss;

  @Option(names = "--importance-batches", paramLabel = "N", defaultValue = "20",
      description = "batches averaged for first-order importance (default: ${DEFAULT-VALUE})")
  int importanceBatches;

  @Option(names = "--l1-epochs", paramLabel = "N", defaultValue = "2",
      description = "with --method l1: epochs trained with the L1 penalty before the cut"
          + " (default: ${DEFAULT-VALUE})")
  int l1Epochs;

  @Option(names = "--l1-lambda", paramLabel = "LAMBDA", defaultValue = "1e-5",
      description = "with --method l1: the penalty's strength (default: ${DEFAULT-VALUE})")
  double l1Lambda;

  @Mixin ModelOutput output;
  private Path out;
  private long seed;

  @Mixin ThreadsOption threads;
  @Mixin ResumeOption resume;

  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  private PruneSpec ps;
  private PruningSchedule sched;
  private TrainConfig ft;

  @Override
  public void checkOptions() {
    seed = output.seed;
    Importance.checkName(method);
    if (!scope.equals("layer") && !scope.equals("global")) {
      throw new InputException("--scope must be layer or global, got '" + scope + "'");
    }
    ps = PruneSpec.parse(sparsity, scope.equals("global"));
    sched = PruningSchedule.parse(schedule);
    if (l1Epochs < 0) {
      throw new InputException("--l1-epochs must be at least 0, got " + l1Epochs);
    }
    ft = train.over(finetune.defaults(seed));
    if (maxLoss != null && !(maxLoss >= 0 && maxLoss < 100)) {
      throw new InputException("--max-loss must be in [0, 100) percentage points, got " + maxLoss);
    }
    if (maxLoss != null && structured != null) {
      throw new InputException("--max-loss prunes weights past --sparsity; it does not work with"
          + " --structured");
    }
  }

  @Override
  public Integer call() {
    out = output.checked();
    json.check();
    checkOptions();
    threads.apply();
    Model model = ModelSource.load(file);
    Split split = data.load();
    Inputs.checkCompatible(model, file, split, data.name);
    Progress progress = Progress.stderr();
    HeldOut held = maxLoss == null ? null : HeldOut.of(model, file, split, progress);
    ResumableFits fits;
    if (held != null && resume.resume) {
      // Its rounds depend on held-out accuracy, and an undone round goes back to a state that a
      // checkpoint does not keep: it starts again, and ends as an uninterrupted run would.
      progress.message("prune: --max-loss does not resume from a checkpoint; starting again");
      fits = new ResumableFits(resume.file(out), false, progress);
    } else {
      fits = resume.fits(out, progress);
    }
    if (structured != null) {
      return structured(model, ps, sched, ft, split, progress, fits);
    }
    // With --max-loss nothing trains or ranks on the held-out split, and the floor is the
    // accuracy of the model as given (before an L1 phase).
    Dataset tuning = held == null ? split.train() : held.train();
    PruneSession.Beyond beyond = null;
    if (held != null) {
      double base = held.accuracy(model);
      beyond = new PruneSession.Beyond(held::accuracy, base - maxLoss / 100);
      progress.message(String.format(java.util.Locale.ROOT, "prune: %,d validation samples held"
          + " out, unpruned accuracy on them %.2f%%", held.validation().n(), 100 * base));
    }
    Importance importance = Importance.named(method, tuning, importanceBatches, seed);
    double seconds = 0;
    if (method.equals("l1")) {
      // Sparsity-driven: train with an L1 penalty so that unimportant weights shrink, then cut.
      TrainConfig l1 = new TrainConfig(Math.max(1, l1Epochs), ft.batchSize(), ft.optimizer(),
          ft.lr(), ft.momentum(), ft.weightDecay(), l1Lambda, ft.l2(), ft.schedule(),
          ft.warmupEpochs(), 0, 0, seed, ft.loss());
      if (l1Epochs > 0) {
        progress.message("prune: training " + l1Epochs + " epochs with L1 penalty " + l1Lambda);
        seconds += fits.fit(new dev.whittle.train.Trainer(l1, progress), model, tuning)
            .seconds();
      }
    }
    PruneSession.Result r = PruneSession.run(model, tuning, importance, ps, method, sched,
        ft, finetune.epochs, progress, fits, beyond);
    seconds += r.trainSeconds();
    java.util.Map<String, Object> how = new java.util.LinkedHashMap<>();
    how.put("method", method);
    how.put("scope", scope);
    how.put("schedule", schedule);
    how.put("sparsity", Pruner.sparsity(model));
    how.put("finetune_epochs", finetune.epochs);
    if (maxLoss != null) {
      how.put("max_loss", maxLoss);
      how.put("held_out", held == null ? 0 : held.validation().n());
    }
    model.provenance().put("pruning", Json.compact(how));
    var metrics = Finish.save(model, split, out,
        Outputs.command("prune", spec.commandLine().getParseResult().originalArgs()), seconds,
        progress.epochs());
    fits.finish();
    Finish.report(metrics, json);
    return 0;
  }

  /** {@code --structured}: removes whole channels, then fine-tunes the slimmer model. */
  private Integer structured(Model model, PruneSpec ps, PruningSchedule sched, TrainConfig ft,
      Split split, Progress progress, ResumableFits fits) {
    if (spec.commandLine().getParseResult().hasMatchedOption("--method")
        || sched.kind() != PruningSchedule.Kind.ONESHOT) {
      throw new InputException("--structured ranks channels by its own criterion and prunes"
          + " once: drop --method and --schedule");
    }
    var r = dev.whittle.compress.prune.StructuredPruner.prune(model, structured, ps,
        split.train(), importanceBatches, seed);
    progress.message("prune: structured " + structured + " kept " + r.summary());
    Model slim = r.model();
    double seconds = finetune.fit(fits, ft, progress, slim, split.train());
    java.util.Map<String, Object> kept = new java.util.LinkedHashMap<>();
    r.kept().forEach((k, v) -> kept.put(k, v.kept() + "/" + v.total()));
    java.util.Map<String, Object> how = new java.util.LinkedHashMap<>(); // ordered: same bytes
    how.put("structured", structured);
    how.put("scope", scope);
    how.put("sparsity", sparsity);
    how.put("kept", kept);
    how.put("finetune_epochs", finetune.epochs);
    slim.provenance().put("pruning", Json.compact(how));
    var metrics = Finish.save(slim, split, out,
        Outputs.command("prune", spec.commandLine().getParseResult().originalArgs()), seconds,
        progress.epochs());
    fits.finish();
    Finish.report(metrics, json);
    return 0;
  }

  /**
   * The validation split a model was trained without, found from its provenance (the training
   * run's validation fraction and seed, on the same data), and the training data less it.
   */
  record HeldOut(Dataset train, Dataset validation) {
    /** Null, with a message, when the model records no such split for this data. */
    static HeldOut of(Model model, Path file, Split split, Progress progress) {
      var prov = model.provenance();
      double fraction = 0;
      try {
        Object config = dev.whittle.eval.JsonReader.parse(prov.getOrDefault("train_config", "{}"));
        if (config instanceof java.util.Map<?, ?> m && m.get("validation") instanceof Number v) {
          fraction = v.doubleValue();
        }
      } catch (RuntimeException e) {
        fraction = 0; // unreadable: as if it had none
      }
      String why = null;
      if (!(fraction > 0 && fraction < 1)) {
        why = " was trained without a validation split (train it with --validation 0.1)";
      } else if (!java.util.Objects.equals(prov.get("dataset_sha256"), split.checksum())) {
        why = " was trained on other data than this";
      } else if (!prov.getOrDefault("seed", "").matches("-?[0-9]+")) {
        why = " does not record its training seed";
      }
      if (why != null) {
        progress.message("prune: --max-loss needs data the model never trained on, and "
            + file.getFileName() + why + ": pruning stops at --sparsity");
        return null;
      }
      int[][] parts = dev.whittle.train.Trainer.holdOut(split.train().n(), fraction,
          Long.parseLong(prov.get("seed")));
      String name = split.train().name();
      return new HeldOut(split.train().take(parts[0], name + "/train"),
          split.train().take(parts[1], name + "/validation"));
    }

    double accuracy(Model m) {
      return dev.whittle.train.Evaluation.run(m, validation,
          dev.whittle.train.Loss.crossEntropy(), 256).accuracy();
    }
  }
}
