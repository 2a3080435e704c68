package dev.whittle.cli;

import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import java.nio.file.Path;

/** Reads the model file a command was given. */
final class ModelSource {
  private ModelSource() {}

  static Model load(Path file) {
    Outputs.checkReadable(file, "model");
    return ModelFile.load(file);
  }
}
