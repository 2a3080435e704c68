package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.onnx.OnnxImporter;
import dev.whittle.tensor.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code whittle import}: reads an ONNX model and saves it as a .wtl file. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Read an ONNX model (an MLP or CNN as PyTorch or tf2onnx export it, opsets 9"
        + " to 21) and save it as a .wtl file; prints its layers.",
    footer = {"", "Constant sub-graphs, input normalizations and quantized weights are folded"
        + " into the layers. Every command that reads a model also takes a .onnx file directly.",
        "", "Example:", "  whittle import model.onnx --out m.wtl"})
final class ImportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx file")
  Path file;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "the .wtl file to write")
  Path out;

  @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "1073741824",
      description = "refuse ONNX files larger than this many bytes (default: ${DEFAULT-VALUE})")
  long maxBytes;

  @Option(names = "--strip-log-softmax",
      description = "import a final LogSoftmax as nothing, so the model outputs logits"
          + " (Whittle has no log-softmax layer; predictions and training loss are the same)")
  boolean stripLogSoftmax;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    if (maxBytes < 1) {
      throw new InputException("--max-bytes must be at least 1, got " + maxBytes);
    }
    Outputs.checkModelOut(out);
    json.check();
    Outputs.checkReadable(file, "model");
    OnnxImporter.Options options = OnnxImporter.Options.defaults().withMaxFileBytes(maxBytes)
        .withStripFinalLogSoftmax(stripLogSoftmax);
    Model model = OnnxImporter.load(file, options);
    List<String> args = new ArrayList<>();
    for (String a : spec.commandLine().getParseResult().originalArgs()) {
      args.add(a.equals(file.toString()) && file.getFileName() != null
          ? file.getFileName().toString() : a);
    }
    model.provenance().put("command", Outputs.command("import", args));
    ModelFile.save(model, out);
    summary(model);
    Metrics m = ModelStats.of(model, out.getFileName().toString(), null, null, null,
        out.toFile().length(), null);
    System.out.println();
    Reports.printMetrics(System.out, m);
    json.write(m.toMap());
    return 0;
  }

  private void summary(Model model) {
    Graph g = model.graph();
    System.out.println(file.getFileName() + " (" + model.provenance().getOrDefault(
        "onnx_producer", "unknown producer") + ", opset " + model.provenance().get("onnx_opset")
        + ") -> " + out.getFileName() + ": input " + Shapes.format(model.inputShape()) + ", "
        + g.nodes().size() + " layers");
    String notes = model.provenance().get("import_notes");
    if (notes != null) {
      System.out.println("note: " + notes);
    }
    Table t = new Table("layer", "kind", "reads", "output", "params", "MACs");
    for (int i = 0; i < g.nodes().size(); i++) {
      Graph.Node n = g.nodes().get(i);
      long params = 0;
      for (Parameter p : n.layer().parameters()) {
        params += p.size();
      }
      t.row(n.name(), n.layer().kind(), String.join(",", n.inputs()),
          Shapes.format(g.outputShape(i)), Reports.count(params),
          Reports.count(n.layer().macs(g.inputShapes(i))));
    }
    t.print(System.out);
  }
}
