package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.distill.DistillMode;
import dev.whittle.compress.distill.DistillSpec;
import dev.whittle.compress.distill.Distiller;
import dev.whittle.compress.pipeline.Recipe;
import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.PruneSession;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.PruningSchedule;
import dev.whittle.compress.prune.StructuredPruner;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.compress.share.KMeans;
import dev.whittle.compress.share.ShareSpec;
import dev.whittle.compress.share.Sharing;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.Latency;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.StepHistory;
import dev.whittle.eval.report.Report;
import dev.whittle.eval.report.ReportModel;
import dev.whittle.io.AtomicFile;
import dev.whittle.io.ModelFile;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.train.EpochStats;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whittle demo}: the seed's worked example in one command. It trains the seed's MLP (one
 * hidden layer) and LeNet-300-100 on MNIST (or on the bundled digits when MNIST cannot be had),
 * applies each technique that has landed to LeNet-300-100 (weight sharing, quantization,
 * pruning, distillation), and compares every variant on accuracy, size, multiply-adds, training
 * time and latency, in a table, demo.json and report.html. A technique joins the walkthrough as
 * one more {@link Step} in {@link #steps}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The seed's walkthrough: train the baselines, apply every technique, compare"
        + " every variant side by side, and write an HTML report.",
    footer = {"", "Example:", "  whittle demo --out demo-out", "  whittle demo --quick"})
final class DemoCommand implements Callable<Integer> {
  /** Training samples per epoch in --quick mode: enough to learn something, in seconds. */
  static final int QUICK_SAMPLES = 6000;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "folder for the models, demo.json and report.html (default: the current"
          + " folder)")
  Path out;

  @Option(names = "--quick", description = "one epoch per step on " + QUICK_SAMPLES + " training"
      + " samples: a check that everything runs, in well under a minute")
  boolean quick;

  @Option(names = "--data", paramLabel = "NAME", defaultValue = "mnist",
      description = "the data set (default: ${DEFAULT-VALUE}; falls back to digits)")
  String dataName;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "where the data set's files are")
  Path dataDir;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed (default: 1)")
  long seed;

  @Mixin ThreadsOption threads;

  @Mixin JsonOption json;

  /** One model of the walkthrough: what it shows, and how it is made and saved. */
  record Step(String title, String file, Supplier<Made> make) {}

  /** A saved model and its metrics (without timings). */
  record Made(Model model, Metrics metrics) {}

  private Progress progress;
  private Split split;
  private int tuneEpochs;

  @Override
  public Integer call() throws IOException {
    threads.apply();
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException("--out " + out + ": is a file, expected a folder");
    }
    Files.createDirectories(out);
    json.check();
    progress = Progress.stderr();
    try {
      split = DataSets.load(dataName, dataDir);
    } catch (InputException e) {
      progress.message("demo: " + dataName + " is not available (" + e.getMessage()
          + "); using the bundled digits data set (UCI 8x8 digits) instead");
      split = DataSets.load("digits", null);
    }
    boolean small = split.train().n() < 10_000;
    if (quick && !small) {
      split = new Split(split.train().head(QUICK_SAMPLES), split.test(), split.checksum());
      progress.message("demo: --quick: training on the first " + QUICK_SAMPLES
          + " training samples, testing on all " + split.test().n());
    }
    int mlpEpochs = quick ? 1 : small ? 30 : 5;
    int baseEpochs = quick ? 1 : small ? 30 : 10;
    tuneEpochs = quick ? 1 : small ? 10 : 3;

    List<Step> steps = steps(mlpEpochs, baseEpochs);
    List<Metrics> results = new ArrayList<>();
    List<ReportModel> shown = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      progress.message(Reports.fmt("demo %d/%d: %s%s", i + 1, steps.size(), s.title(),
          i == 0 ? "" : ", about " + left(elapsed / i * (steps.size() - i)) + " left"));
      Made made = s.make().get();
      // The training time of a variant includes its baseline's, as whittle bench counts it.
      Metrics metrics = timed(made.model(), made.metrics())
          .withTrainSeconds(StepHistory.trainSeconds(made.model().provenance()));
      results.add(metrics);
      shown.add(ReportModel.of(s.file(), metrics, made.model()));
    }

    System.out.println();
    Reports.bench(System.out, results);
    List<Object> maps = new ArrayList<>();
    for (Metrics m : results) {
      maps.add(m.toMap());
    }
    AtomicFile.write(out.resolve("demo.json"), Json.write(maps).getBytes(StandardCharsets.UTF_8));
    json.write(maps);
    Report.write(out.resolve("report.html"), "Whittle demo: every technique on "
        + results.get(0).dataset(), shown);
    System.out.println();
    System.out.println("models, demo.json and report.html written to "
        + out.toAbsolutePath().normalize());
    return 0;
  }

  private static String epochs(int n) {
    return n + (n == 1 ? " epoch" : " epochs");
  }

  private static String left(double seconds) {
    long s = Math.round(seconds);
    return Reports.fmt("%d:%02d", s / 60, s % 60);
  }

  /**
   * The walkthrough, in the seed's order: the baselines, then weight sharing, quantization,
   * pruning and distillation, each from LeNet-300-100 (saved by the second step).
   */
  private List<Step> steps(int mlpEpochs, int baseEpochs) {
    String seedMlp = "mlp:" + split.train().features() + "-100-" + split.train().classes();
    String student = "mlp:" + split.train().features() + "-32-" + split.train().classes();
    Path base = out.resolve("lenet300.wtl");
    return List.of(
        new Step("the seed's MLP (" + seedMlp + "), " + epochs(mlpEpochs), "seed-mlp.wtl",
            () -> trained(seedMlp, mlpEpochs, "seed-mlp.wtl")),
        new Step("LeNet-300-100, " + epochs(baseEpochs), "lenet300.wtl",
            () -> trained("lenet300", baseEpochs, "lenet300.wtl")),
        new Step("weight sharing: 5 bits per layer (k-means, linear init), centroids fine-tuned "
            + epochs(tuneEpochs), "lenet300-shared5.wtl",
            () -> shared(base)),
        new Step("quantization: int8 post-training, per channel, percentile calibration",
            "lenet300-int8.wtl", () -> quantized(base, INT8, "lenet300-int8.wtl")),
        new Step("quantization: 4-bit weights, quantization-aware training "
            + epochs(tuneEpochs) + " (first and last layers at 8 bits)", "lenet300-int4.wtl",
            () -> quantized(base, new QuantSpec(QuantSpec.Mode.QAT, 4, Map.of(), 0, true,
                Set.of(), true, "minmax", 1000, false, false), "lenet300-int4.wtl")),
        new Step("quantization: binary weights in every layer (BinaryConnect), "
            + epochs(tuneEpochs), "lenet300-binary.wtl", () -> quantized(base, new QuantSpec(
                QuantSpec.Mode.BINARY, 8, Map.of(), 0, false, Set.of(), true, "minmax", 1000,
                false, true), "lenet300-binary.wtl")),
        new Step("quantization: ternary weights in every layer, " + epochs(tuneEpochs),
            "lenet300-ternary.wtl", () -> quantized(base, new QuantSpec(QuantSpec.Mode.TERNARY,
                8, Map.of(), 0, false, Set.of(), true, "minmax", 1000, false, true),
                "lenet300-ternary.wtl")),
        new Step("pruning: magnitude 90%, one shot, " + epochs(tuneEpochs) + " of fine-tuning",
            "lenet300-magnitude90.wtl", () -> pruned(base, "magnitude")),
        new Step("pruning, then quantization: the 90%-pruned model at int8 (only its kept codes"
            + " stored and run)", "lenet300-magnitude90-int8.wtl",
            () -> quantized(out.resolve("lenet300-magnitude90.wtl"), INT8,
                "lenet300-magnitude90-int8.wtl")),
        new Step("pruning: random 90%, the same budget (the baseline papers compare against)",
            "lenet300-random90.wtl", () -> pruned(base, "random")),
        new Step("structured pruning: half the hidden neurons removed (L1 norm), "
            + epochs(tuneEpochs) + " of fine-tuning", "lenet300-neurons50.wtl", () -> structured(base)),
        new Step("distillation into " + student + ": hard targets (the teacher's argmax), "
            + epochs(mlpEpochs), "student-hard.wtl",
            () -> distilled(base, student, DistillMode.HARD, mlpEpochs)),
        new Step("distillation into " + student + ": soft targets, T 4, alpha 0.9, "
            + epochs(mlpEpochs), "student-soft.wtl",
            () -> distilled(base, student, DistillMode.SOFT, mlpEpochs)),
        new Step("distillation into " + student + ": unlabeled (soft targets only, no label"
            + " read), " + epochs(mlpEpochs), "student-unlabeled.wtl",
            () -> distilled(base, student, DistillMode.UNLABELED, mlpEpochs)),
        new Step("Deep Compression: " + deepCompressionPruning() + " ("
            + epochs(4 * tuneEpochs) + "), then weight sharing at 5 bits, biases too ("
            + epochs(tuneEpochs) + "), entropy-coded", "lenet300-deep-compression.wtl",
            () -> deepCompressed(base)));
  }

  private String command(String what) {
    return "whittle demo: " + what;
  }

  private Made trained(String spec, int epochs, String file) {
    Model m = Architectures.build(spec, split.train().sampleShape(), split.train().classes(), seed);
    Path path = out.resolve(file);
    TrainingSession.Result r = TrainingSession.run(m, split, TrainConfig.defaults(epochs, seed),
        path, TrainingSession.checkpointFor(path), false, command("train " + spec), progress);
    return new Made(r.model(), r.metrics());
  }

  private Made shared(Path base) {
    Model m = ModelFile.load(base);
    for (Sharing.Layer l : Sharing.shareInPlace(m, new ShareSpec(5, Map.of(),
        KMeans.Init.LINEAR, seed))) {
      progress.message(Reports.fmt("demo: %s %d bits, %d clusters", l.name(), l.bits(), l.k()));
    }
    Trainer.Result r = new Trainer(TrainConfig.finetuneDefaults(tuneEpochs, seed)
        .withLr(ShareCommand.LR), progress).fit(m, split.train());
    return saved(m, "lenet300-shared5.wtl", "share 5 bits", r.seconds(), r);
  }

  /** int8 post-training quantization, per channel, percentile calibration. */
  private static final QuantSpec INT8 = new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, true,
      Set.of(), true, "percentile", 1000, false, false);

  private Made quantized(Path base, QuantSpec spec, String file) {
    Quantization.Prepared p = Quantization.prepare(ModelFile.load(base), spec);
    Model m = p.model();
    p.notes().forEach(n -> progress.message("demo: " + n));
    Trainer.Result r = null;
    double seconds = 0;
    if (spec.mode() == QuantSpec.Mode.PTQ) {
      long t0 = System.nanoTime();
      Quantization.calibrate(m, split.train(), spec, Math.min(64, split.train().n()));
      seconds = (System.nanoTime() - t0) / 1e9;
    } else {
      r = new Trainer(TrainConfig.finetuneDefaults(tuneEpochs, seed), progress)
          .fit(m, split.train());
      seconds = r.seconds();
    }
    Quantization.freeze(m);
    String mode = spec.mode().name().toLowerCase(Locale.ROOT);
    return saved(m, file, "quantize " + mode + (spec.mode().uniform() ? " " + spec.bits()
        + " bits" : ""), seconds, r);
  }

  /**
   * The built-in deep-compression recipe's pruning step, whose settings the demo's step takes;
   * read when the demo first needs it, not whenever the command line starts.
   */
  private static final class DeepCompressionRecipe {
    static final Recipe.Step PRUNE = Recipe.builtIn("deep-compression").orElseThrow().steps()
        .get(0);
  }

  /**
   * The built-in deep-compression recipe's steps (see {@code whittle pipeline}), with the demo's
   * fine-tuning budget: prune (the recipe's method, sparsity, schedule and rate), then share, on
   * the demo's training split.
   */
  private Made deepCompressed(Path base) {
    Model m = ModelFile.load(base);
    int before = progress.epochs().size();
    Recipe.Step prune = DeepCompressionRecipe.PRUNE;
    String method = setting(prune, "method");
    PruneSession.Result p = PruneSession.run(m, split.train(), Importance.named(method,
            split.train(), 20, seed), PruneSpec.parse(setting(prune, "sparsity"),
            setting(prune, "scope").equals("global")), method,
        PruningSchedule.parse(setting(prune, "schedule")),
        TrainConfig.finetuneDefaults(4 * tuneEpochs, seed)
            .withLr(Double.parseDouble(setting(prune, "lr"))), 4 * tuneEpochs,
        progress);
    List<Sharing.Layer> layers = new ArrayList<>(Sharing.shareInPlace(m, new ShareSpec(
        ShareSpec.DENSE_BITS, Map.of(), KMeans.Init.LINEAR, seed)));
    Sharing.shareBiases(m, layers, seed);
    Trainer.Result r = new Trainer(TrainConfig.finetuneDefaults(tuneEpochs, seed)
        .withLr(ShareCommand.LR), progress).fit(m, split.train());
    List<EpochStats> curve = progress.epochs();
    return saved(m, "lenet300-deep-compression.wtl", "deep compression",
        p.trainSeconds() + r.seconds(), curve.subList(before, curve.size()));
  }

  /** "magnitude pruning to 93% in 4 rounds", from the recipe. */
  private static String deepCompressionPruning() {
    Recipe.Step prune = DeepCompressionRecipe.PRUNE;
    return setting(prune, "method") + " pruning to "
        + Math.round(100 * Double.parseDouble(setting(prune, "sparsity"))) + "% in "
        + PruningSchedule.parse(setting(prune, "schedule")).rounds() + " rounds";
  }

  private static String setting(Recipe.Step step, String key) {
    return step.setting(key).orElseThrow().value();
  }

  private Made pruned(Path base, String method) {
    Model m = ModelFile.load(base);
    TrainConfig ft = TrainConfig.finetuneDefaults(tuneEpochs, seed).withLr(0.05);
    int before = progress.epochs().size();
    PruneSession.Result r = PruneSession.run(m, split.train(),
        Importance.named(method, split.train(), 20, seed), PruneSpec.parse("0.9", true), method,
        PruningSchedule.parse("oneshot"), ft, tuneEpochs, progress);
    List<EpochStats> curve = progress.epochs(); // the fine-tuning is what came after "before"
    return saved(m, "lenet300-" + method + "90.wtl", "prune " + method + " 90%",
        r.trainSeconds(), curve.subList(before, curve.size()));
  }

  private Made structured(Path base) {
    StructuredPruner.Result r = StructuredPruner.prune(ModelFile.load(base), "l1",
        PruneSpec.parse("0.5", false), split.train(), seed);
    progress.message("demo: kept " + r.summary());
    Model slim = r.model();
    Trainer.Result t = new Trainer(TrainConfig.finetuneDefaults(tuneEpochs, seed).withLr(0.05),
        progress).fit(slim, split.train());
    return saved(slim, "lenet300-neurons50.wtl", "prune structured l1 50%", t.seconds(), t);
  }

  private Made distilled(Path teacherFile, String spec, DistillMode mode, int epochs) {
    Model teacher = ModelFile.load(teacherFile);
    Model student = Architectures.build(spec, split.train().sampleShape(),
        split.train().classes(), seed);
    Distiller.Result r = Distiller.run(teacher, student, split.train(),
        new DistillSpec(mode, 4, 0.9, null, null), TrainConfig.defaults(epochs, seed), progress);
    return saved(student, "student-" + mode.flag() + ".wtl", "distill " + mode.flag() + " from"
        + " lenet300.wtl into " + spec, r.seconds(), r.training());
  }

  private Made saved(Model m, String file, String what, double seconds, Trainer.Result r) {
    return saved(m, file, what, seconds, r == null ? List.of() : r.curve());
  }

  private Made saved(Model m, String file, String what, double seconds,
      List<EpochStats> curve) {
    return new Made(m, Finish.save(m, split, out.resolve(file), command(what), seconds, curve));
  }

  /** Adds latency and throughput of the model's plan (shorter runs than whittle bench). */
  private Metrics timed(Model m, Metrics metrics) {
    Plan plan = Plan.compile(m);
    Dataset test = split.test();
    int samples = Math.min(test.n(), 512);
    Latency.Result lat = Latency.measure(plan,
        Arrays.copyOf(test.x(), samples * test.features()), samples, quick ? 500 : 2000, 256,
        quick ? 0.3 : 1.0);
    return metrics.withTiming(lat.p50Us(), lat.p99Us(), lat.throughputSps(), Parallel.threads());
  }
}
