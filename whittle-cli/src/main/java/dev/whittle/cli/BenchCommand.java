package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Latency;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.eval.StepHistory;
import dev.whittle.eval.report.Report;
import dev.whittle.eval.report.ReportModel;
import dev.whittle.io.AtomicFile;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import dev.whittle.train.Progress;
import java.nio.file.Files;
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
    footer = {"", "Examples:",
        "  whittle bench base.wtl pruned.wtl --data mnist --threads 1 --json bench.json",
        "  whittle bench base.wtl p.wtl s.wtl q.onnx --data mnist --report report.html"})
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL",
      description = ".wtl or .onnx files; the first is the baseline")
  List<Path> files;

  @Option(names = "--report", paramLabel = "FILE",
      description = "also write an HTML report here: the table, accuracy against size and"
          + " latency, sparsity and bits per layer, weight histograms, training curves")
  Path report;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the name to show for each model, in order (default: its file name);"
          + " give it once per model")
  List<String> names;

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
    checkReport();
    if (names != null && names.size() != files.size()) {
      throw new InputException("--name given " + names.size() + " times for " + files.size()
          + " models; give it once per model, in order");
    }
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
      Model m = ModelSource.load(f);
      if (report != null) {
        try {
          StepHistory.curve(m.provenance()); // the report draws it: fail now, not at the end
        } catch (InputException e) {
          throw new InputException(f + ": " + e.getMessage());
        }
      }
      models.add(m);
    }
    Split split = data.load();
    Dataset test = split.test();
    for (int i = 0; i < files.size(); i++) {
      Model m = models.get(i);
      if (Shapes.size(m.inputShape()) != test.features()) {
        throw new InputException(files.get(i).getFileName() + " expects inputs of "
            + Shapes.format(m.inputShape()) + ", data set '" + data.name + "' has "
            + Shapes.format(test.sampleShape()));
      }
    }
    Progress progress = Progress.stderr();
    List<Metrics> results = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      Model m = models.get(i);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      progress.stage("bench", i, files.size(), name(i) + ": accuracy, latency, throughput",
          i == 0 ? Double.NaN : elapsed / i * (files.size() - i));
      Plan plan = Plan.compile(m);
      double acc = PlanAccuracy.of(plan, test);
      int samples = Math.min(test.n(), Math.max(batches.get(1), 1000));
      Latency.Result lat = Latency.measure(plan, java.util.Arrays.copyOf(test.x(),
          samples * test.features()), samples, calls, batches.get(1), seconds);
      Metrics metrics = ModelStats.of(m, name(i), data.name, acc, test.n(),
          f.toFile().length(), StepHistory.trainSeconds(m.provenance()))
          .withPlan(plan.macs())
          .withTiming(lat.p50Us(), lat.p99Us(), lat.throughputSps(), Parallel.threads());
      results.add(metrics);
    }
    progress.endStages();
    Reports.bench(System.out, results);
    List<Object> maps = new ArrayList<>();
    for (Metrics m : results) {
      maps.add(m.toMap());
    }
    json.write(maps);
    if (report != null) {
      List<ReportModel> shown = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        shown.add(ReportModel.of(name(i), results.get(i), models.get(i)));
      }
      Report.write(report, "Whittle: " + files.size() + (files.size() == 1 ? " model" : " models")
          + " on " + data.name, shown);
      System.out.println("report: " + report);
    }
    return 0;
  }

  private String name(int i) {
    return names != null ? names.get(i) : files.get(i).getFileName().toString();
  }

  /** Fails before any work when the report could not be written at the end. */
  private void checkReport() {
    if (report == null) {
      return;
    }
    if (Files.isDirectory(report)) {
      throw new InputException("--report " + report + ": is a folder, expected a file name such"
          + " as report.html");
    }
    try {
      AtomicFile.checkTarget(report);
    } catch (InputException e) {
      throw new InputException("--report " + e.getMessage());
    }
  }
}
