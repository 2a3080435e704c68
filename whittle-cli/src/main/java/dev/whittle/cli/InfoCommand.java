package dev.whittle.cli;

import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code whittle info}: what a model file holds, layer by layer. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show a model's layers, constraints, parameters, non-zeros, bits, bytes and"
        + " multiply-adds, and where it came from.",
    footer = {"", "Example:", "  whittle info base.wtl"})
final class InfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl file")
  Path file;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    json.check();
    Model model = ModelSource.load(file);
    Graph g = model.graph();
    Table t = new Table("layer", "kind", "output", "params", "nonzero", "sparsity", "bits",
        "encoding", "bytes", "dense MACs", "constraints");
    Map<String, Metrics.LayerMetrics> byName = new java.util.HashMap<>();
    for (Metrics.LayerMetrics l : ModelStats.layers(model)) {
      byName.put(l.name(), l);
    }
    for (int i = 0; i < g.nodes().size(); i++) {
      Graph.Node n = g.nodes().get(i);
      Metrics.LayerMetrics l = byName.get(n.name());
      List<String> cs = new ArrayList<>();
      for (Parameter p : n.layer().parameters()) {
        for (Constraint c : p.constraints()) {
          cs.add(p.name() + ":" + c.kind());
        }
      }
      t.row(n.name(), n.layer().kind(), Shapes.format(g.outputShape(i)),
          l == null ? "" : Reports.count(l.params()), l == null ? "" : Reports.count(l.nonzeros()),
          l == null ? "" : Reports.fmt("%.1f%%", 100.0 * (l.params() - l.nonzeros()) / l.params()),
          l == null ? "" : l.bits(), l == null ? "" : l.encoding(),
          l == null ? "" : Reports.bytes(l.bytes()), l == null ? "" : Reports.count(l.macs()),
          String.join(",", cs));
    }
    System.out.println(file.getFileName() + ": input " + Shapes.format(model.inputShape()));
    t.print(System.out);
    Metrics m = ModelStats.of(model, file.getFileName().toString(),
        model.provenance().get("dataset"), parse(model.provenance().get("accuracy")),
        null, file.toFile().length(), null).withPlan(Plan.compile(model).macs());
    System.out.println();
    System.out.println(Reports.fmt("params %s, non-zero %s, file %s (%.1fx of dense float32),"
            + " %s multiply-adds per sample in the compiled plan", Reports.count(m.params()),
        Reports.count(m.nonzeroParams()), Reports.bytes(m.bytes()), m.compressionRatio(),
        Reports.count(m.macs())));
    for (String key : List.of("architecture", "command", "dataset", "dataset_sha256", "seed",
        "accuracy")) {
      String v = model.provenance().get(key);
      if (v != null) {
        System.out.println(key + ": " + v);
      }
    }
    json.write(m.toMap());
    return 0;
  }

  private static Double parse(String s) {
    try {
      return s == null ? null : Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
