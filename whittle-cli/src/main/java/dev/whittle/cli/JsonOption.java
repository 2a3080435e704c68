package dev.whittle.cli;

import dev.whittle.eval.Json;
import dev.whittle.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --json FILE}: the metrics object (or an array of them) for scripts. */
final class JsonOption {
  @Option(names = "--json", paramLabel = "FILE", description = "write the metrics as JSON here")
  Path file;

  /** Fails early, before any work, when the file could not be written later. */
  void check() {
    if (file != null) {
      AtomicFile.checkTarget(file);
    }
  }

  void write(Object value) {
    if (file != null) {
      AtomicFile.write(file, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }
  }
}
