package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.io.AtomicFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks on the files a command reads and writes, done before any work starts. */
final class Outputs {
  private Outputs() {}

  static void checkModelOut(Path out) {
    AtomicFile.checkTarget(out);
    if (Files.isDirectory(out)) {
      throw new InputException("--out " + out + ": is a folder, expected a file name such as model.wtl");
    }
  }

  static Path checkReadable(Path in, String what) {
    if (!Files.isRegularFile(in)) {
      throw new InputException(what + " " + in + ": no such file");
    }
    if (!Files.isReadable(in)) {
      throw new InputException(what + " " + in + ": not readable");
    }
    return in;
  }

  /**
   * The command as given, with every path reduced to its file name, so provenance does not
   * depend on the folder a model was made in (and two identical runs write identical bytes).
   * {@code --resume} is left out: a resumed run is the interrupted one, finished, and writes the
   * same bytes.
   */
  static String command(String name, List<String> args) {
    List<String> out = new ArrayList<>();
    out.add("whittle");
    out.add(name);
    boolean pathNext = false;
    List<String> rest = !args.isEmpty() && args.get(0).equals(name) ? args.subList(1, args.size()) : args;
    for (String a : rest) {
      if (a.equals("--resume")) {
        continue;
      }
      String v = a;
      if (!a.startsWith("-") && a.contains("/") && !pathNext) {
        Path p = Path.of(a).getFileName();
        v = p == null ? a : p.toString();
      } else if (pathNext) {
        v = Path.of(a).getFileName() == null ? a : Path.of(a).getFileName().toString();
      } else if (a.startsWith("--out=") || a.startsWith("--json=") || a.startsWith("--data-dir=")
          || a.startsWith("--checkpoint=")) {
        String[] kv = a.split("=", 2);
        Path p = Path.of(kv[1]).getFileName();
        v = kv[0] + "=" + (p == null ? kv[1] : p.toString());
      }
      pathNext = a.equals("--out") || a.equals("--json") || a.equals("--data-dir")
          || a.equals("--checkpoint");
      out.add(v);
    }
    return String.join(" ", out);
  }
}
