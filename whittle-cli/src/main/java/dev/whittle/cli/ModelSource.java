package dev.whittle.cli;

import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.onnx.OnnxImporter;
import java.nio.file.Path;
import java.util.Locale;

/** Reads the model file a command was given: a .wtl file, or an .onnx file imported on the fly. */
final class ModelSource {
  private ModelSource() {}

  static Model load(Path file) {
    Outputs.checkReadable(file, "model");
    Path name = file.getFileName();
    if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      return OnnxImporter.load(file);
    }
    return ModelFile.load(file);
  }
}
