package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Latency;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whittle bench}: every model side by side, the first as the baseline. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Compile each model to a plan and measure accuracy, size, multiply-adds,"
        + " latency at batch 1 and throughput at large batches; the first model is the baseline.",
    footer = {"", "Example:", "  whittle bench base.wtl pruned.wtl --data mnist --threads 1 --json bench.json"})
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL", description = ".wtl files; the first is the baseline")
  List<Path> files;

  @Mixin ThreadsOption threads;

  @Option(names = "--batch", paramLabel = "1,256", split = ",", defaultValue = "1,256",
      description = "the latency batch (1) and the throughput batch (default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--calls", paramLabel = "N", defaultValue = "2000",
      description = "timed single-sample calls for the latency percentiles (default: ${DEFAULT-VALUE})")
  int calls;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
      description = "seconds of large-batch runs for the throughput (default: ${DEFAULT-VALUE})")
  double seconds;

  @Mixin DataOptions data;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    json.check();
    if (batches.size() != 2 || batches.get(0) != 1 || batches.get(1) < 1) {
      throw new InputException("--batch expects 1,N (latency at batch 1, throughput at batch N),"
          + " got " + batches);
    }
    if (calls < 100) {
      throw new InputException("--calls must be at least 100, got " + calls);
    }
    if (!(seconds > 0)) {
      throw new InputException("--seconds must be positive, got " + seconds);
    }
    threads.apply();
    List<Model> models = new ArrayList<>();
    for (Path f : files) {
      models.add(ModelSource.load(f));
    }
    Split split = data.load();
    Dataset test = split.test();
    List<Metrics> results = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      Model m = models.get(i);
      if (Shapes.size(m.inputShape()) != test.features()) {
        throw new InputException(f.getFileName() + " expects inputs of "
            + Shapes.format(m.inputShape()) + ", data set '" + data.name + "' has "
            + Shapes.format(test.sampleShape()));
      }
      System.err.println("bench: " + f.getFileName());
      Plan plan = Plan.compile(m);
      double acc = PlanAccuracy.of(plan, test);
      int samples = Math.min(test.n(), Math.max(batches.get(1), 1000));
      Latency.Result lat = Latency.measure(plan, java.util.Arrays.copyOf(test.x(),
          samples * test.features()), samples, calls, batches.get(1), seconds);
      Metrics metrics = ModelStats.of(m, f.getFileName().toString(), data.name, acc, test.n(),
          f.toFile().length(), null)
          .withPlan(plan.macs())
          .withTiming(lat.p50Us(), lat.p99Us(), lat.throughputSps(), Parallel.threads());
      results.add(metrics);
    }
    Reports.bench(System.out, results);
    List<Object> maps = new ArrayList<>();
    for (Metrics m : results) {
      maps.add(m.toMap());
    }
    json.write(maps);
    return 0;
  }
}
