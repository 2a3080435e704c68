package dev.whittle.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a page in headless Chromium (Debian's {@code chromium}, installed by
 * bin/setup-test-deps), the way a user's browser would: the DOM after the page has run, every
 * console message (Chromium logs them on stderr as {@code INFO:CONSOLE} lines with {@code
 * --enable-logging=stderr}), and a screenshot. Network access is cut off (every host name
 * resolves to nothing), so a page that needs the network shows it. A missing Chromium is a
 * failure, never a skip: the browser check is part of the suite.
 */
final class HeadlessChromium {
  private final Path binary;

  HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  /** The chromium on PATH (or in WHITTLE_CHROMIUM); fails when there is none. */
  static HeadlessChromium find() {
    String env = System.getenv("WHITTLE_CHROMIUM");
    if (env != null && !env.isEmpty()) {
      return new HeadlessChromium(Path.of(env));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return new HeadlessChromium(p);
        }
      }
    }
    return new HeadlessChromium(Path.of("/usr/bin/chromium"));
  }

  /** The page after loading: its serialized DOM and the console messages it produced. */
  record Page(String dom, List<String> console) {}

  Page open(Path html) {
    Run r = run(html, "--dump-dom");
    return new Page(r.stdout, r.console);
  }

  /** Writes a PNG of the page as a 1280-pixel-wide window shows it. */
  void screenshot(Path html, Path png, int height) {
    Run r = run(html, "--screenshot=" + png.toAbsolutePath(), "--window-size=1280," + height,
        "--hide-scrollbars");
    if (!Files.isRegularFile(png)) {
      throw new AssertionError("chromium wrote no screenshot to " + png + ":\n" + r.stderr);
    }
  }

  private record Run(String stdout, String stderr, List<String> console) {}

  private Run run(Path html, String... what) {
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(binary + ": chromium is not installed; bin/setup-test-deps"
          + " installs it (Debian package 'chromium'), ./test runs that first");
    }
    try {
      Path tmp = Files.createTempDirectory("whittle-chromium");
      try {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless",
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(what));
        cmd.add(html.toAbsolutePath().toUri().toString());
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
            .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("chromium did not finish within 120 s: " + cmd);
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new AssertionError("chromium exited with " + p.exitValue() + ":\n" + stderr);
        }
        List<String> console = new ArrayList<>();
        for (String line : stderr.split("\n")) {
          if (line.contains(":CONSOLE")) {
            console.add(line);
          }
        }
        return new Run(Files.readString(out, StandardCharsets.UTF_8), stderr, console);
      } finally {
        delete(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
