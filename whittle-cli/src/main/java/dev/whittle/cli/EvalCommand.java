package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Split;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Shapes;
import dev.whittle.train.Evaluation;
import dev.whittle.train.Loss;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whittle eval}: test accuracy and size of a saved model. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Measure a model's test accuracy, size and multiply-adds.",
    footer = {"", "Example:", "  whittle eval base.wtl --data mnist --json base.json"})
final class EvalCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl file")
  Path file;

  @Mixin ThreadsOption threads;

  @Mixin DataOptions data;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    json.check();
    threads.apply();
    Model model = ModelSource.load(file);
    Split split = data.load();
    if (Shapes.size(model.inputShape()) != split.test().features()) {
      throw new InputException(file.getFileName() + " expects inputs of "
          + Shapes.format(model.inputShape()) + ", data set '" + data.name + "' has "
          + Arrays.toString(split.test().sampleShape()));
    }
    Evaluation.Result r = Evaluation.run(model, split.test(), Loss.crossEntropy(), 256);
    Metrics m = ModelStats.of(model, file.getFileName().toString(), data.name, r.accuracy(),
        r.samples(), file.toFile().length(), null);
    Reports.printMetrics(System.out, m);
    json.write(m.toMap());
    return 0;
  }
}
