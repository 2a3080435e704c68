package dev.whittle.cli;

import dev.whittle.data.Split;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code whittle train}: trains a named architecture on a data set and saves it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a model and save it as a .wtl file.",
    footer = {"", "Example:",
        "  whittle train --model lenet300 --data mnist --epochs 10 --seed 1 --out base.wtl"})
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "SPEC",
      description = "lenet300, lenet5, mlp:784-800-800-10 or cnn:c16-mp2-c32-mp2-128-10")
  String model;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
      description = "epochs to train (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "seed of every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the model file to write")
  Path out;

  @Mixin ResumeOption resume;

  @Mixin ThreadsOption threads;

  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    TrainConfig cfg = train.over(TrainConfig.defaults(epochs, seed));
    Outputs.checkModelOut(out);
    json.check();
    Path ckpt = resume.file(out);
    threads.apply();
    Split split = data.load();
    Model m = Architectures.build(model, split.train().sampleShape(), split.train().classes(), seed);
    String command = Outputs.command("train", spec.commandLine().getParseResult().originalArgs());
    TrainingSession.Result r = TrainingSession.run(m, split, cfg, out, ckpt, resume.resume, command,
        Progress.stderr());
    Reports.printMetrics(System.out, r.metrics());
    json.write(r.metrics().toMap());
    return 0;
  }
}
