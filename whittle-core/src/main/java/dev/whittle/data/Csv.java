package dev.whittle.data;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a labelled data set from CSV: one sample per line, comma-separated numbers, one column
 * of which is the integer class label. The other columns are the features, in file order, used
 * as given (no scaling); the sample shape is {@code (features)} and the number of classes is
 * the largest label + 1. Blank lines are skipped, fields are trimmed and may be wrapped in
 * double quotes; quoted commas are not supported. A gzip file (recognised by its header) is
 * decompressed.
 *
 * <p>Every error names the file, the 1-based line and the column, e.g. {@code data.csv:17:
 * expected 65 fields, got 64}.
 */
public final class Csv {
  /** The largest label accepted is {@code MAX_CLASSES - 1}. */
  public static final int MAX_CLASSES = 65_536;

  private static final int MAX_NAMES_LISTED = 20;

  private Csv() {}

  /**
   * Reads a CSV file.
   *
   * @param file the file (raw or gzip)
   * @param labelColumn the label column: a header name, or a 0-based column index as text (a
   *     header name wins when both match); {@code null} means the column named {@code label}
   *     if the header has one, else the last column
   * @param header whether the first non-blank line is a header of column names
   * @param name the data set's name
   * @throws InputException if the file is missing, empty, ragged, has a non-number, a bad
   *     label or an unknown label column
   */
  public static Dataset read(Path file, String labelColumn, boolean header, String name) {
    try (InputStream in = DataIo.openContent(file)) {
      return read(in, file.toString(), labelColumn, header, name);
    } catch (IOException e) {
      throw DataIo.readError(file.toString(), e);
    }
  }

  /**
   * Reads CSV from a stream (not closed here). {@code header == null} detects a header: the
   * first non-blank line is one if any of its fields is not a number.
   */
  static Dataset read(
      InputStream content, String what, String labelColumn, Boolean header, String name) {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 1 << 16);
    try {
      return parse(reader, what, labelColumn, header, name);
    } catch (IOException e) {
      throw DataIo.readError(what, e);
    } catch (UncheckedIOException e) {
      throw DataIo.readError(what, e);
    }
  }

  private static Dataset parse(
      BufferedReader reader, String what, String labelColumn, Boolean header, String name)
      throws IOException {
    int lineNo = 0;
    long maxValues = Limits.maxTensorBytes() / Float.BYTES; // the features become one float tensor
    String line;
    String[] first = null;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (!line.isBlank()) {
        first = fields(line);
        break;
      }
    }
    if (first == null) {
      throw new InputException(what + ": empty file, expected lines of comma-separated numbers");
    }
    boolean hasHeader = header != null ? header : Arrays.stream(first).anyMatch(f -> !isNumber(f));
    String[] names = hasHeader ? first : null;
    int width = first.length;
    int label = labelIndex(what, labelColumn, names, width);
    if (width < 2) {
      throw new InputException(
          what + ": has " + width + " column; expected at least one feature and the label");
    }
    int features = width - 1;

    FloatBuffer x = new FloatBuffer();
    IntBuffer y = new IntBuffer();
    int maxLabel = -1;
    String[] row = hasHeader ? null : first;
    int rowLine = lineNo;
    while (true) {
      if (row == null) {
        line = reader.readLine();
        if (line == null) {
          break;
        }
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        row = fields(line);
        rowLine = lineNo;
      }
      if (row.length != width) {
        throw new InputException(
            what + ":" + rowLine + ": expected " + width + " fields, got " + row.length);
      }
      if ((long) (y.size + 1) * features > Idx.MAX_BYTES) {
        throw new InputException(
            what + ":" + rowLine + ": too large: more than " + Idx.MAX_BYTES + " values");
      }
      if ((long) (y.size + 1) * features > maxValues) {
        Limits.checkTensor(what + ":" + rowLine, (long) (y.size + 1) * features, Float.BYTES);
      }
      for (int c = 0; c < width; c++) {
        String f = row[c];
        if (c == label) {
          int v = parseLabel(f);
          if (v < 0) {
            throw new InputException(
                what
                    + ":"
                    + rowLine
                    + ": label "
                    + column(names, c)
                    + " must be an integer class in [0, "
                    + MAX_CLASSES
                    + "), got '"
                    + f
                    + "'");
          }
          maxLabel = Math.max(maxLabel, v);
          y.add(v);
        } else {
          if (!isNumber(f)) {
            throw new InputException(
                what + ":" + rowLine + ": " + column(names, c) + " is not a number: '" + f + "'");
          }
          float v = Float.parseFloat(f);
          if (!Float.isFinite(v)) {
            throw new InputException(
                what
                    + ":"
                    + rowLine
                    + ": "
                    + column(names, c)
                    + " is out of float range: '"
                    + f
                    + "'");
          }
          x.add(v);
        }
      }
      row = null;
    }
    if (y.size == 0) {
      throw new InputException(what + ": no data rows after the header line");
    }
    return new Dataset(
        name, x.toArray(), y.toArray(), y.size, new int[] {features}, maxLabel + 1);
  }

  private static String column(String[] names, int c) {
    return names == null ? "column " + c + " (0-based)" : "field '" + names[c] + "'";
  }

  private static int labelIndex(String what, String labelColumn, String[] names, int width) {
    if (labelColumn == null || labelColumn.isBlank()) {
      if (names != null) {
        for (int i = 0; i < names.length; i++) {
          if (names[i].equals("label")) {
            return i;
          }
        }
      }
      return width - 1;
    }
    String wanted = labelColumn.trim();
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(wanted)) {
          return i;
        }
      }
    }
    if (!wanted.isEmpty() && wanted.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      int index;
      try {
        index = Integer.parseInt(wanted);
      } catch (NumberFormatException e) {
        index = Integer.MAX_VALUE;
      }
      if (index >= width) {
        throw new InputException(
            what
                + ": label column "
                + wanted
                + " out of range: the file has "
                + width
                + " columns (0-based index in [0, "
                + width
                + "))");
      }
      return index;
    }
    if (names == null) {
      throw new InputException(
          what
              + ": label column '"
              + wanted
              + "' is not a 0-based column index, and the file has no header to look names up"
              + " in");
    }
    List<String> listed = new ArrayList<>();
    for (int i = 0; i < Math.min(names.length, MAX_NAMES_LISTED); i++) {
      listed.add(names[i]);
    }
    String more = names.length > MAX_NAMES_LISTED ? ", ... (" + names.length + " columns)" : "";
    throw new InputException(
        what
            + ": no column named '"
            + wanted
            + "'; the header has: "
            + String.join(", ", listed)
            + more);
  }

  private static String[] fields(String line) {
    String[] f = line.split(",", -1);
    for (int i = 0; i < f.length; i++) {
      String s = f[i].strip();
      if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
        s = s.substring(1, s.length() - 1).strip();
      }
      f[i] = s;
    }
    return f;
  }

  /** A non-negative integer label below {@link #MAX_CLASSES} ("3", "+3", "3.0"), else -1. */
  static int parseLabel(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && s.charAt(i) == '+') {
      i++;
    }
    int start = i;
    long v = 0;
    while (i < n && isDigit(s.charAt(i))) {
      v = v * 10 + (s.charAt(i) - '0');
      if (v >= MAX_CLASSES) {
        return -1;
      }
      i++;
    }
    if (i == start) {
      return -1;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && s.charAt(i) == '0') {
        i++;
      }
    }
    return i == n ? (int) v : -1;
  }

  /** Whether {@code s} is a plain decimal number: [+-] digits [. digits] [e [+-] digits]. */
  static boolean isNumber(String s) {
    int n = s.length();
    int start = skipSign(s, 0);
    int i = skipDigits(s, start);
    int digits = i - start;
    if (i < n && s.charAt(i) == '.') {
      int fraction = skipDigits(s, i + 1);
      digits += fraction - (i + 1);
      i = fraction;
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int exponent = skipSign(s, i + 1);
      i = skipDigits(s, exponent);
      if (i == exponent) {
        return false;
      }
    }
    return i == n;
  }

  /** The index after an optional {@code +} or {@code -} at {@code i}. */
  private static int skipSign(String s, int i) {
    return i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-') ? i + 1 : i;
  }

  /** The index of the first non-digit at or after {@code i}. */
  private static int skipDigits(String s, int i) {
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static final class FloatBuffer {
    float[] data = new float[1024];
    int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(Idx.MAX_BYTES, 2L * data.length));
      }
      data[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  private static final class IntBuffer {
    int[] data = new int[256];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, 2 * data.length);
      }
      data[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
