package dev.whittle.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --seed} and {@code --out} of the commands that make one model from another. */
final class ModelOutput {
  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed (default: 1)")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "the model file to write (.wtl)")
  Path out;

  /** Checks the output path before any work, and returns it. */
  Path checked() {
    Outputs.checkModelOut(out);
    return out;
  }
}
