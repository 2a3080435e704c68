package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  private List<Path> files() throws IOException {
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void writesBytesAndStreamWithoutLeavingTempFiles() throws IOException {
    Path out = dir.resolve("a.bin");
    AtomicFile.write(out, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out));
    AtomicFile.write(
        out,
        os -> {
          os.write("hello ".getBytes(StandardCharsets.UTF_8));
          os.write('w');
          os.close(); // closing is allowed and only flushes
        });
    assertEquals("hello w", Files.readString(out));
    assertEquals(List.of(out), files());
  }

  @Test
  void failingBodyLeavesOldContentAndNoTempFile() throws IOException {
    Path out = dir.resolve("model.wtl");
    Files.writeString(out, "old content");
    IOException boom = new IOException("simulated disk failure");
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                AtomicFile.write(
                    out,
                    os -> {
                      os.write(new byte[100_000]); // past the buffer, so bytes reach the temp file
                      throw boom;
                    }));
    assertEquals(out + ": cannot write: simulated disk failure", e.getMessage());
    assertSame(boom, e.getCause());
    assertEquals("old content", Files.readString(out));
    assertEquals(List.of(out), files());

    IllegalStateException bug = new IllegalStateException("bug");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                AtomicFile.write(
                    out,
                    os -> {
                      os.write(1);
                      throw bug;
                    }));
    assertSame(bug, thrown);
    assertEquals("old content", Files.readString(out));
    assertEquals(List.of(out), files());
  }

  @Test
  void missingFolderIsReportedAndNothingWritten() throws IOException {
    Path out = dir.resolve("out").resolve("x.wtl");
    InputException e =
        assertThrows(InputException.class, () -> AtomicFile.write(out, new byte[] {1}));
    assertEquals(out + ": folder '" + dir.resolve("out") + "' does not exist", e.getMessage());
    assertEquals(List.of(), files());

    Path relative = Path.of("no-such-folder-" + Long.toHexString(System.nanoTime()), "x.wtl");
    InputException r =
        assertThrows(InputException.class, () -> AtomicFile.write(relative, new byte[] {1}));
    assertEquals(
        relative + ": folder '" + relative.getParent() + "' does not exist", r.getMessage());
    assertFalse(Files.exists(relative.getParent()));
  }

  @Test
  void targetThatIsAFolderOrUnderAFile() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    InputException e =
        assertThrows(InputException.class, () -> AtomicFile.write(sub, new byte[] {1}));
    assertTrue(e.getMessage().startsWith(sub + ": is a folder"), e.getMessage());
    Path file = Files.writeString(dir.resolve("f"), "x");
    InputException f =
        assertThrows(
            InputException.class, () -> AtomicFile.write(file.resolve("y"), new byte[] {1}));
    assertTrue(f.getMessage().endsWith("is not a folder"), f.getMessage());
    assertEquals("x", Files.readString(file));
  }
}
