package dev.whittle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Java deserialization anywhere (DESIGN.md, "The .wtl file"): reading an object stream runs
 * code chosen by the bytes. Scans every Java source of every module, main and test, for the
 * classes and methods that read one.
 */
class NoJavaDeserializationTest {
  // Spelled in pieces so that this file does not find itself.
  private static final List<String> FORBIDDEN = List.of(
      "Object" + "InputStream", "read" + "Object(", "read" + "Unshared(", "readResolve" + "(",
      "XML" + "Decoder");

  @Test
  void noSourceReadsJavaObjectStreams() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent(); // tests run in their module's folder
    List<Path> modules;
    try (Stream<Path> s = Files.list(root)) {
      modules = s.filter(p -> Files.isDirectory(p.resolve("src"))).toList();
    }
    assertTrue(modules.size() >= 4, "expected the repository's modules in " + root + ", found "
        + modules);
    List<String> found = new ArrayList<>();
    int files = 0;
    for (Path m : modules) {
      try (Stream<Path> s = Files.walk(m.resolve("src"))) {
        for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            for (String bad : FORBIDDEN) {
              if (lines.get(i).contains(bad)) {
                found.add(root.relativize(f) + ":" + (i + 1) + ": " + bad);
              }
            }
          }
        }
      }
    }
    assertTrue(files > 100, "scanned only " + files + " files");
    assertTrue(found.isEmpty(), "Java deserialization in the sources: " + found);
  }
}
