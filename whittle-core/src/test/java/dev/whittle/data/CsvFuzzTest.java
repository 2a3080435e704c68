package dev.whittle.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes the CSV reader ({@link Csv}), raw and gzip. Input: one byte choosing how to read (its
 * low two bits: header yes, no, or detected; the next two: label column default, {@code label},
 * {@code 0} or {@code y}), then the file's content.
 */
class CsvFuzzTest {
  private static final String[] COLUMNS = {null, "label", "0", "y"};

  @FuzzTest(maxDuration = "5s")
  void csv(byte[] input) {
    ReaderFuzz.check(input, CsvFuzzTest::read);
  }

  static Object read(byte[] in) {
    if (in.length < 1) {
      return null;
    }
    int mode = in[0] & 0xff;
    Boolean header = switch (mode & 3) {
      case 0 -> true;
      case 1 -> false;
      default -> null;
    };
    String column = COLUMNS[(mode >> 2) & 3];
    ByteArrayInputStream content = new ByteArrayInputStream(in, 1, in.length - 1);
    try (var stream = DataIo.maybeGunzip(content, "fuzz.csv")) {
      return Csv.read(stream, "fuzz.csv", column, header, "fuzz");
    } catch (java.io.IOException e) {
      throw DataIo.readError("fuzz.csv", e);
    }
  }
}
