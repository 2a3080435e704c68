package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.io.AtomicFile;
import dev.whittle.nn.Model;
import dev.whittle.onnx.OnnxExporter;
import dev.whittle.onnx.WeightForm;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whittle export}: writes a model in another format (ONNX). */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write a model as an ONNX file (opset " + OnnxExporter.OPSET + ") that ONNX"
        + " Runtime runs: input 'input' (N, ...), output 'output', weights named like fc1.weight.",
    footer = {"", "Pruned weights are written as dense tensors with their zeros.", "",
        "Example:", "  whittle export dc.wtl --format onnx --out dc.onnx"})
final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl (or .onnx) file")
  Path file;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx",
      description = "the format to write: onnx (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "the file to write, such as model.onnx")
  Path out;

  @Option(names = "--shared-weights", paramLabel = "FORM", defaultValue = "gather",
      description = "shared (codebook) weights as gather (uint8 indices into the codebook,"
          + " joined by Gather: a quarter of float32) or float (default: ${DEFAULT-VALUE})")
  String sharedWeights;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    if (!format.equals("onnx")) {
      throw new InputException("--format must be onnx, got '" + format + "'");
    }
    if (!sharedWeights.equals("gather") && !sharedWeights.equals("float")) {
      throw new InputException("--shared-weights must be gather or float, got '" + sharedWeights
          + "'");
    }
    AtomicFile.checkTarget(out);
    json.check();
    Model model = ModelSource.load(file);
    OnnxExporter exporter = OnnxExporter.standard();
    if (sharedWeights.equals("float")) {
      exporter = exporter.withWeightForm(WeightForm.QDQ);
    }
    byte[] bytes = exporter.toBytes(model);
    AtomicFile.write(out, bytes);
    StringBuilder in = new StringBuilder("(N");
    for (int d : model.inputShape()) {
      in.append(", ").append(d);
    }
    System.out.println(file.getFileName() + " -> " + out.getFileName() + ": ONNX opset "
        + OnnxExporter.OPSET + ", input " + in + "), output (N, " + model.outputs() + "), "
        + model.graph().nodes().size() + " layers, " + Reports.bytes(bytes.length));
    Metrics m = ModelStats.of(model, out.getFileName().toString(), null, null, null,
        (long) bytes.length, null);
    Reports.printMetrics(System.out, m);
    json.write(m.toMap());
    return 0;
  }
}
