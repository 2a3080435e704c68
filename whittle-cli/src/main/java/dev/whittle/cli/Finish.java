package dev.whittle.cli;

import dev.whittle.data.Split;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.eval.StepHistory;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.train.EpochStats;
import java.nio.file.Path;
import java.util.List;

/**
 * The end of every command that makes a model from another: evaluate its plan on the test
 * split, record provenance (the step, its training time and curve: {@link StepHistory}), save
 * it, and return its metrics.
 */
final class Finish {
  private Finish() {}

  static Metrics save(Model model, Split split, Path out, String command, double trainSeconds) {
    return save(model, split, out, command, trainSeconds, List.of());
  }

  /** As above, recording the step's training curve in the provenance too. */
  static Metrics save(Model model, Split split, Path out, String command, double trainSeconds,
      List<EpochStats> curve) {
    Plan plan = Plan.compile(model);
    double acc = PlanAccuracy.of(plan, split.test());
    var prov = model.provenance();
    StepHistory.record(prov, command, trainSeconds, curve);
    prov.put("command", command);
    prov.put("accuracy", Double.toString(acc));
    prov.put("test_samples", Integer.toString(split.test().n()));
    ModelFile.save(model, out);
    return ModelStats.of(model, out.getFileName().toString(), split.train().name()
            .replaceAll("/.*", ""), acc, split.test().n(), out.toFile().length(), trainSeconds)
        .withPlan(plan.macs());
  }

  /** Prints a made model's metrics and writes them where {@code --json} asks. */
  static void report(Metrics m, JsonOption json) {
    Reports.printMetrics(System.out, m);
    json.write(m.toMap());
  }
}
