package dev.whittle.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the IDX readers ({@link Idx} through {@link IdxFolder}, raw and gzip) on a folder of the
 * four IDX files. Input: the four files' contents joined by {@link #SEPARATOR} (missing parts are
 * empty files); the readers take paths, so each input is written to a temporary folder.
 */
class IdxFuzzTest {
  static final byte[] SEPARATOR = "\n--whittle-part--\n".getBytes(StandardCharsets.US_ASCII);

  private static Path dir;

  @BeforeAll
  static void folder() throws IOException {
    dir = Files.createTempDirectory("idx-fuzz");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    for (String f : DataSets.IDX_FILES) {
      Files.deleteIfExists(dir.resolve(f));
    }
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "5s")
  void folder(byte[] input) {
    ReaderFuzz.check(input, in -> {
      List<byte[]> parts = split(in);
      for (int i = 0; i < DataSets.IDX_FILES.size(); i++) {
        write(dir.resolve(DataSets.IDX_FILES.get(i)), i < parts.size() ? parts.get(i) : new byte[0]);
      }
      return IdxFolder.load(dir);
    });
  }

  static List<byte[]> split(byte[] in) {
    List<byte[]> parts = new ArrayList<>();
    int from = 0;
    for (int i = 0; i + SEPARATOR.length <= in.length; i++) {
      if (Arrays.equals(in, i, i + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
        parts.add(Arrays.copyOfRange(in, from, i));
        from = i + SEPARATOR.length;
        i = from - 1;
      }
    }
    parts.add(Arrays.copyOfRange(in, from, in.length));
    return parts;
  }

  private static void write(Path f, byte[] b) {
    try {
      Files.write(f, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
