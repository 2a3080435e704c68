package dev.whittle.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The UCI optical-recognition digits (Alpaydin and Kaynak, 1998; CC BY 4.0) shipped in this
 * jar as {@value #RESOURCE}, next to this class.
 */
final class BundledDigits {
  static final String RESOURCE = "digits.csv.gz";
  static final String SHA256 = "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";
  static final int TEST = 360;

  private BundledDigits() {}

  /**
   * The digits set shipped in the jar: the first 1,437 samples train, the last 360 test.
   *
   * @throws IllegalStateException if the resource is missing or does not match its checksum
   *     (a broken build, not a user error)
   */
  static Split load() {
    byte[] gz;
    try (InputStream in = BundledDigits.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " missing from the jar");
      }
      gz = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + RESOURCE, e);
    }
    String sha = DataIo.sha256(gz);
    if (!sha.equals(SHA256)) {
      throw new IllegalStateException(
          "resource " + RESOURCE + " has SHA-256 " + sha + ", expected " + SHA256);
    }
    CsvSplits.Digested read;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      read = CsvSplits.read(in, RESOURCE, "64", false, "digits");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + RESOURCE, e);
    }
    Dataset all = read.data();
    if (all.n() != 1797 || all.features() != 64 || all.classes() != 10) {
      throw new IllegalStateException("resource " + RESOURCE + " is not the digits set");
    }
    float[] x = all.x();
    float[] scaled = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      scaled[i] = x[i] / 16f;
    }
    Dataset d = new Dataset("digits", scaled, all.y(), all.n(), new int[] {1, 8, 8}, 10);
    int cut = d.n() - TEST;
    return new Split(
        d.subset(0, cut), d.subset(cut, d.n()), DataIo.combine(List.of(read.sha256())));
  }
}
