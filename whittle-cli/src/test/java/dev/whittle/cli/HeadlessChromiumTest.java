package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser check itself: it sees console errors, and fails without a browser. */
class HeadlessChromiumTest {
  @TempDir Path dir;

  @Test
  void aDeliberateConsoleErrorIsSeen() throws IOException {
    Path page = dir.resolve("bad.html");
    Files.writeString(page, "<!DOCTYPE html><p id=\"x\">text</p>"
        + "<script>console.error('deliberate error 42'); undefinedFunction();</script>");
    HeadlessChromium.Page p = HeadlessChromium.find().open(page);
    assertEquals(2, p.console().size(), String.join("\n", p.console()));
    assertTrue(p.console().get(0).contains("deliberate error 42"), p.console().get(0));
    assertTrue(p.console().get(1).contains("undefinedFunction is not defined"),
        p.console().get(1));
    assertTrue(p.dom().contains("<p id=\"x\">text</p>"), p.dom());
  }

  @Test
  void aCleanPageHasNoConsoleMessages() throws IOException {
    Path page = dir.resolve("good.html");
    Files.writeString(page, "<!DOCTYPE html><p>fine</p>");
    HeadlessChromium.Page p = HeadlessChromium.find().open(page);
    assertEquals(0, p.console().size(), String.join("\n", p.console()));
    assertTrue(p.dom().contains("<p>fine</p>"));
  }

  @Test
  void noBrowserIsAFailureNotASkip() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> new HeadlessChromium(dir.resolve("no-chromium")).open(dir.resolve("x.html")));
    assertTrue(e.getMessage().contains("bin/setup-test-deps"), e.getMessage());
  }
}
