package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.PruneSession;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.PruningSchedule;
import dev.whittle.compress.prune.StructuredPruner;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.Latency;
import dev.whittle.eval.Metrics;
import dev.whittle.io.AtomicFile;
import dev.whittle.io.ModelFile;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whittle demo}: the seed's worked example in one command. It trains the seed's MLP (one
 * hidden layer) and LeNet-300-100 on MNIST (or on the bundled digits when MNIST cannot be had),
 * applies each technique that has landed to LeNet-300-100, fine-tunes, and compares every
 * variant on accuracy, size, multiply-adds, training time and latency.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The seed's walkthrough: train the baselines, apply every technique, compare"
        + " every variant side by side.",
    footer = {"", "Example:", "  whittle demo --out demo-out", "  whittle demo --quick"})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "folder for the models and demo.json (default: the current folder)")
  Path out;

  @Option(names = "--quick", description = "one epoch per step: a check that everything runs")
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

  private Progress progress;
  private Split split;
  private int step;
  private static final int STEPS = 7;

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
    int mlpEpochs = quick ? 1 : small ? 30 : 5;
    int baseEpochs = quick ? 1 : small ? 30 : 10;
    int tuneEpochs = quick ? 1 : small ? 10 : 3;
    List<Metrics> results = new ArrayList<>();
    String seedMlp = "mlp:" + split.train().features() + "-100-" + split.train().classes();

    stage("the seed's MLP (" + seedMlp + "), " + mlpEpochs + " epochs");
    results.add(trainBaseline(seedMlp, mlpEpochs, "seed-mlp.wtl"));
    stage("LeNet-300-100, " + baseEpochs + " epochs");
    Metrics base = trainBaseline("lenet300", baseEpochs, "lenet300.wtl");
    results.add(base);
    Path basePath = out.resolve("lenet300.wtl");

    stage("pruning: magnitude 90%, one shot, " + tuneEpochs + " epochs of fine-tuning");
    results.add(pruned(basePath, "magnitude", tuneEpochs, "lenet300-magnitude90.wtl"));
    stage("pruning: random 90%, the same budget (the baseline every paper compares against)");
    results.add(pruned(basePath, "random", tuneEpochs, "lenet300-random90.wtl"));
    stage("structured pruning: half the hidden neurons removed (L1 norm), " + tuneEpochs
        + " epochs of fine-tuning");
    results.add(structured(basePath, tuneEpochs, "lenet300-neurons50.wtl"));
    stage("quantization: int8 post-training, per channel, percentile calibration");
    results.add(quantized(basePath, new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, true,
        Set.of(), true, "percentile", 1000, false, false), 0, "lenet300-int8.wtl"));
    stage("quantization: ternary weights in every layer, " + tuneEpochs
        + " epochs of training");
    results.add(quantized(basePath, new QuantSpec(QuantSpec.Mode.TERNARY, 8, Map.of(), 0, false,
        Set.of(), true, "minmax", 1000, false, true), tuneEpochs, "lenet300-ternary.wtl"));

    System.out.println();
    Reports.bench(System.out, results);
    List<Object> maps = new ArrayList<>();
    for (Metrics m : results) {
      maps.add(m.toMap());
    }
    AtomicFile.write(out.resolve("demo.json"), Json.write(maps).getBytes(StandardCharsets.UTF_8));
    json.write(maps);
    System.out.println();
    System.out.println("models and demo.json written to " + out.toAbsolutePath().normalize());
    return 0;
  }

  private void stage(String what) {
    progress.message("demo: " + (++step) + "/" + STEPS + " " + what);
  }

  private Metrics trainBaseline(String spec, int epochs, String file) {
    Model m = Architectures.build(spec, split.train().sampleShape(), split.train().classes(), seed);
    Path path = out.resolve(file);
    TrainingSession.Result r = TrainingSession.run(m, split, TrainConfig.defaults(epochs, seed),
        path, TrainingSession.checkpointFor(path), false, "whittle demo", progress);
    return timed(r.model(), r.metrics());
  }

  private Metrics pruned(Path base, String method, int epochs, String file) {
    Model m = ModelFile.load(base);
    TrainConfig ft = TrainConfig.finetuneDefaults(epochs, seed).withLr(0.05);
    PruneSession.Result r = PruneSession.run(m, split.train(),
        Importance.named(method, split.train(), 20, seed), PruneSpec.parse("0.9", true), method,
        PruningSchedule.parse("oneshot"), ft, epochs, progress);
    return timed(m, Finish.save(m, split, out.resolve(file), "whittle demo", r.trainSeconds()));
  }

  private Metrics structured(Path base, int epochs, String file) {
    Model m = ModelFile.load(base);
    StructuredPruner.Result r = StructuredPruner.prune(m, "l1", PruneSpec.parse("0.5", false),
        split.train(), seed);
    progress.message("demo: kept " + r.summary());
    Model slim = r.model();
    TrainConfig ft = TrainConfig.finetuneDefaults(epochs, seed).withLr(0.05);
    double seconds = new Trainer(ft, progress).fit(slim, split.train()).seconds();
    return timed(slim, Finish.save(slim, split, out.resolve(file), "whittle demo", seconds));
  }

  private Metrics quantized(Path base, QuantSpec spec, int epochs, String file) {
    Quantization.Prepared p = Quantization.prepare(ModelFile.load(base), spec);
    Model m = p.model();
    double seconds = 0;
    if (spec.mode() == QuantSpec.Mode.PTQ) {
      Quantization.calibrate(m, split.train(), spec, Math.min(64, split.train().n()));
    } else {
      TrainConfig ft = TrainConfig.finetuneDefaults(epochs, seed);
      seconds = new Trainer(ft, progress).fit(m, split.train()).seconds();
    }
    Quantization.freeze(m);
    return timed(m, Finish.save(m, split, out.resolve(file), "whittle demo", seconds));
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
