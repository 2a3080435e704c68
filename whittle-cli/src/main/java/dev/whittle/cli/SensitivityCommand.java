package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Sensitivity;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whittle sensitivity}: accuracy per layer and sparsity, to choose per-layer ratios. */
@Command(
    name = "sensitivity",
    mixinStandardHelpOptions = true,
    description = "Prune each layer alone by magnitude at 10% to 95% without fine-tuning and"
        + " report test accuracy per layer and sparsity.",
    footer = {"", "Example:", "  whittle sensitivity base.wtl --data mnist --json sens.json"})
final class SensitivityCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--sparsities", paramLabel = "S,S,...", split = ",",
      description = "sparsities to try (default: 0.1,0.2,...,0.9,0.95)")
  List<Double> sparsities;

  @Option(names = "--samples", paramLabel = "N",
      description = "test samples to evaluate on (default: the whole test split)")
  Integer samples;

  @Mixin ThreadsOption threads;

  @Mixin DataOptions data;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    json.check();
    double[] ss = sparsities == null ? Sensitivity.DEFAULT_SPARSITIES
        : sparsities.stream().mapToDouble(Double::doubleValue).toArray();
    for (double s : ss) {
      if (!(s >= 0 && s < 1)) {
        throw new InputException("--sparsities must each be in [0, 1), got " + s);
      }
    }
    threads.apply();
    Model model = ModelSource.load(file);
    Split split = data.load();
    Inputs.checkCompatible(model, file, split, data.name);
    Dataset test = samples == null ? split.test()
        : split.test().head(Math.min(Cli.positive("--samples", samples), split.test().n()));
    double base = PlanAccuracy.of(Plan.compile(model), test);
    List<Sensitivity.Point> points = Sensitivity.run(model, test, ss);
    List<String> header = new ArrayList<>(List.of("layer"));
    for (double s : ss) {
      header.add(Reports.fmt("%.0f%%", 100 * s));
    }
    Table t = new Table(header.toArray(String[]::new));
    Map<String, List<Object>> byLayer = new LinkedHashMap<>();
    for (Sensitivity.Point p : points) {
      byLayer.computeIfAbsent(p.layer(), k -> new ArrayList<>()).add(Reports.pct(p.accuracy()));
    }
    byLayer.forEach((layer, cells) -> {
      List<Object> row = new ArrayList<>();
      row.add(layer);
      row.addAll(cells);
      t.row(row.toArray());
    });
    System.out.println("accuracy with one layer pruned (unpruned: " + Reports.pct(base) + ", "
        + test.n() + " test samples)");
    t.print(System.out);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", file.getFileName().toString());
    out.put("dataset", data.name);
    out.put("test_samples", test.n());
    out.put("accuracy", base);
    List<Object> rows = new ArrayList<>();
    for (Sensitivity.Point p : points) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("layer", p.layer());
      r.put("sparsity", p.sparsity());
      r.put("accuracy", p.accuracy());
      rows.add(r);
    }
    out.put("points", rows);
    json.write(out);
    return 0;
  }
}
