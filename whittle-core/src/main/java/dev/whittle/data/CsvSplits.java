package dev.whittle.data;

import dev.whittle.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/** CSV files as a {@link Split}: the work behind {@link DataSets#loadCsv}. */
final class CsvSplits {
  /** A data set read from CSV and the SHA-256 of the (decompressed) content it was read from. */
  record Digested(Dataset data, String sha256) {}

  private CsvSplits() {}

  /** See {@link DataSets#loadCsv}. */
  static Split load(Path train, Path test, String labelColumn) {
    String name = baseName(train);
    Digested tr = read(train, labelColumn, name);
    if (test == null) {
      Split parts =
          Preprocess.validation(tr.data(), DataSets.CSV_HOLDOUT, DataSets.CSV_HOLDOUT_SEED);
      return new Split(
          parts.train(), parts.test().withName(name), DataIo.combine(List.of(tr.sha256())));
    }
    Digested te = read(test, labelColumn, name);
    if (te.data().features() != tr.data().features()) {
      throw new InputException(
          test
              + ": has "
              + te.data().features()
              + " feature columns but "
              + train
              + " has "
              + tr.data().features());
    }
    return Split.withSharedClasses(
        tr.data(), te.data(), DataIo.combine(List.of(tr.sha256(), te.sha256())));
  }

  private static Digested read(Path file, String labelColumn, String name) {
    try (InputStream in = DataIo.openContent(file)) {
      return read(in, file.toString(), labelColumn, null, name);
    } catch (IOException e) {
      throw DataIo.readError(file.toString(), e);
    }
  }

  /**
   * Reads CSV as {@link Csv#read(InputStream, String, String, Boolean, String)} does and digests
   * the whole of {@code content} (not closed here), past any trailing bytes the parser left.
   */
  static Digested read(
      InputStream content, String what, String labelColumn, Boolean header, String name)
      throws IOException {
    MessageDigest md = DataIo.sha256();
    InputStream in = new DigestInputStream(content, md);
    Dataset d = Csv.read(in, what, labelColumn, header, name);
    in.transferTo(OutputStream.nullOutputStream());
    return new Digested(d, DataIo.hex(md.digest()));
  }

  /** The file name without {@code .csv}/{@code .csv.gz} (any case). */
  private static String baseName(Path file) {
    Path f = file.getFileName();
    String s = f == null ? file.toString() : f.toString();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv.gz")) {
      return s.substring(0, s.length() - 7);
    }
    if (lower.endsWith(".csv")) {
      return s.substring(0, s.length() - 4);
    }
    return s;
  }
}
