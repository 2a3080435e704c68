package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("data.csv"), text, StandardCharsets.UTF_8);
  }

  private InputException fails(String text, String label, boolean header) throws IOException {
    Path f = csv(text);
    return assertThrows(InputException.class, () -> Csv.read(f, label, header, "d"));
  }

  @Test
  void headerAndLabelByName() throws IOException {
    Path f = csv("a,label,b\n1.5,2,-3\n\n 4 , 0 ,5e-1\n");
    Dataset d = Csv.read(f, "label", true, "d");
    assertEquals(2, d.n());
    assertArrayEquals(new int[] {2}, d.sampleShape());
    assertArrayEquals(new float[] {1.5f, -3f, 4f, 0.5f}, d.x());
    assertArrayEquals(new int[] {2, 0}, d.y());
    assertEquals(3, d.classes());
    // by index, and the default ("label" column)
    assertArrayEquals(d.x(), Csv.read(f, "1", true, "d").x());
    assertArrayEquals(d.y(), Csv.read(f, null, true, "d").y());
  }

  @Test
  void noHeaderLabelByIndex() throws IOException {
    Path f = csv("1,2,3\n4,5,6\n");
    Dataset d = Csv.read(f, "0", false, "d");
    assertArrayEquals(new float[] {2, 3, 5, 6}, d.x());
    assertArrayEquals(new int[] {1, 4}, d.y());
    assertEquals(5, d.classes());
    Dataset last = Csv.read(f, null, false, "d");
    assertArrayEquals(new int[] {3, 6}, last.y());
    assertEquals(7, last.classes());
  }

  @Test
  void quotedHeaderBomAndIntegralFloatLabels() throws IOException {
    Path f = csv("\uFEFF\"x\",\"y\"\r\n0.25,3.0\r\n");
    Dataset d = Csv.read(f, "y", true, "d");
    assertArrayEquals(new float[] {0.25f}, d.x());
    assertArrayEquals(new int[] {3}, d.y());
  }

  @Test
  void wrongWidth() throws IOException {
    InputException e = fails("a,b,c\n1,2,3\n1,2\n", "c", true);
    assertTrue(e.getMessage().endsWith("data.csv:3: expected 3 fields, got 2"), e.getMessage());
    e = fails("1,2,3\n\n1,2,3,4\n", "2", false);
    assertTrue(e.getMessage().endsWith("data.csv:3: expected 3 fields, got 4"), e.getMessage());
  }

  @Test
  void notANumber() throws IOException {
    InputException e = fails("x1,x12,y\n1,2,0\n3,abc,1\n", "y", true);
    assertTrue(
        e.getMessage().endsWith("data.csv:3: field 'x12' is not a number: 'abc'"), e.getMessage());
    e = fails("1,2,0\n1,0x10,1\n", "2", false);
    assertTrue(
        e.getMessage().endsWith("data.csv:2: column 1 (0-based) is not a number: '0x10'"),
        e.getMessage());
    for (String bad : new String[] {"NaN", "1f", "Infinity", "", "1e", ".", "--1"}) {
      e = fails("1,0\n" + bad + ",1\n", "1", false);
      assertTrue(e.getMessage().contains("data.csv:2:"), e.getMessage());
    }
    e = fails("1e999,0\n", "1", false);
    assertTrue(e.getMessage().contains("out of float range"), e.getMessage());
  }

  @Test
  void badLabels() throws IOException {
    for (String bad : new String[] {"-1", "2.5", "x", "70000", ""}) {
      InputException e = fails("f,label\n1,0\n2," + bad + "\n", "label", true);
      assertTrue(e.getMessage().contains("data.csv:3: label field 'label'"), e.getMessage());
    }
  }

  @Test
  void emptyFileAndHeaderOnly() throws IOException {
    InputException e = fails("", "0", false);
    assertTrue(e.getMessage().endsWith("data.csv: empty file, expected lines of comma-separated"
        + " numbers"), e.getMessage());
    e = fails("\n  \n", "0", true);
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    e = fails("a,b\n", "b", true);
    assertTrue(e.getMessage().endsWith("data.csv: no data rows after the header line"));
    e = fails("5\n", "0", false);
    assertTrue(e.getMessage().contains("at least one feature"), e.getMessage());
  }

  @Test
  void unknownLabelColumn() throws IOException {
    InputException e = fails("a,b,c\n1,2,3\n", "lbl", true);
    assertTrue(
        e.getMessage().endsWith("data.csv: no column named 'lbl'; the header has: a, b, c"),
        e.getMessage());
    e = fails("a,b,c\n1,2,3\n", "3", true);
    assertTrue(e.getMessage().contains("label column 3 out of range"), e.getMessage());
    e = fails("1,2,3\n", "lbl", false);
    assertTrue(e.getMessage().contains("no header"), e.getMessage());
    StringBuilder wide = new StringBuilder("c0");
    for (int i = 1; i < 100; i++) {
      wide.append(",c").append(i);
    }
    e = fails(wide + "\n", "nope", true);
    assertTrue(e.getMessage().endsWith("c19, ... (100 columns)"), e.getMessage());
  }

  @Test
  void missingFile() {
    InputException e =
        assertThrows(
            InputException.class, () -> Csv.read(dir.resolve("none.csv"), "0", false, "d"));
    assertTrue(e.getMessage().endsWith("none.csv: file not found"), e.getMessage());
  }

  @Test
  void numberSyntax() {
    for (String ok : new String[] {"0", "-1", "+2.5", ".5", "5.", "1e3", "1.5E-7", "007"}) {
      assertTrue(Csv.isNumber(ok), ok);
    }
    for (String bad : new String[] {"", "+", "e5", "1e+", "1.2.3", " 1", "١"}) {
      assertFalse(Csv.isNumber(bad), bad);
    }
    assertEquals(3, Csv.parseLabel("3.00"));
    assertEquals(-1, Csv.parseLabel("3.01"));
    assertEquals(-1, Csv.parseLabel("99999999999999999999"));
  }
}
