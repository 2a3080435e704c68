package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.eval.Metrics;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whittle demo}: the seed's worked example in one command. It trains the seed's MLP (one
 * hidden layer) and LeNet-300-100 on MNIST, or on the bundled digits when MNIST cannot be had,
 * and compares them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The seed's walkthrough: train the baseline MLP and LeNet-300-100, then compare"
        + " them side by side.",
    footer = {"", "Example:", "  whittle demo --out demo-out"})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "folder for the models and demo.json (default: the current folder)")
  Path out;

  @Option(names = "--quick", description = "fewer epochs: a check that everything runs")
  boolean quick;

  @Option(names = "--data", paramLabel = "NAME", defaultValue = "mnist",
      description = "the data set (default: ${DEFAULT-VALUE}; falls back to digits)")
  String dataName;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "where the data set's files are")
  Path dataDir;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed (default: 1)")
  long seed;

  @Option(names = "--threads", paramLabel = "N", description = "threads (default: all cores)")
  Integer threads;

  @Mixin JsonOption json;

  @Override
  public Integer call() throws IOException {
    if (threads != null) {
      Parallel.setThreads(Cli.positive("--threads", threads));
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException("--out " + out + ": is a file, expected a folder");
    }
    Files.createDirectories(out);
    json.check();
    Progress progress = Progress.stderr();
    Split split;
    try {
      split = DataSets.load(dataName, dataDir);
    } catch (InputException e) {
      progress.message("demo: " + dataName + " is not available (" + e.getMessage()
          + "); using the bundled digits data set (UCI 8x8 digits) instead");
      split = DataSets.load("digits", null);
    }
    int features = split.train().features();
    int classes = split.train().classes();
    boolean small = split.train().n() < 10_000;
    int mlpEpochs = quick ? 1 : small ? 30 : 5;
    int lenetEpochs = quick ? 1 : small ? 30 : 10;
    List<Metrics> results = new ArrayList<>();
    String seedMlp = "mlp:" + features + "-100-" + classes;
    progress.message("demo: 1/2 the seed's MLP (" + seedMlp + "), " + mlpEpochs + " epochs");
    results.add(train(seedMlp, split, mlpEpochs, "seed-mlp.wtl", progress));
    progress.message("demo: 2/2 LeNet-300-100, " + lenetEpochs + " epochs");
    results.add(train("lenet300", split, lenetEpochs, "lenet300.wtl", progress));
    System.out.println();
    Reports.compare(System.out, results);
    List<Object> maps = new ArrayList<>();
    for (Metrics m : results) {
      maps.add(m.toMap());
    }
    dev.whittle.io.AtomicFile.write(out.resolve("demo.json"),
        dev.whittle.eval.Json.write(maps).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    json.write(maps);
    System.out.println();
    System.out.println("models and demo.json written to " + out.toAbsolutePath().normalize());
    return 0;
  }

  private Metrics train(String spec, Split split, int epochs, String file, Progress progress) {
    Model m = Architectures.build(spec, split.train().sampleShape(), split.train().classes(), seed);
    Path path = out.resolve(file);
    TrainConfig cfg = TrainConfig.defaults(epochs, seed);
    return TrainingSession.run(m, split, cfg, path, TrainingSession.checkpointFor(path), false,
        "whittle demo", progress).metrics();
  }
}
