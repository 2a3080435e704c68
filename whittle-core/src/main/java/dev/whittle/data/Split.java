package dev.whittle.data;

import java.util.Objects;

/**
 * A training set and a test (or validation) set.
 *
 * @param train the part to train on
 * @param test the held-out part
 * @param checksum provenance: a lowercase hex SHA-256 over the SHA-256 digests of the source
 *     files' contents (decompressed where the file is gzip), each digest as hex followed by a
 *     newline, in the order train images, train labels, test images, test labels (for IDX
 *     sets), train file then test file (CSV), or the one file (digits and a CSV whose test part
 *     is held out of it). It identifies the data regardless of where or how compressed the
 *     files were. {@code null} when the split was not made from files (e.g. {@link
 *     Preprocess#validation}).
 */
public record Split(Dataset train, Dataset test, String checksum) {

  /** Checks that both parts are present and describe the same kind of sample. */
  public Split {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    if (train.features() != test.features()) {
      throw new IllegalArgumentException(
          "train has " + train.features() + " features but test has " + test.features());
    }
  }

  /**
   * A split of {@code train} and {@code test} that both count the classes of either: the
   * larger of their {@code classes}.
   */
  static Split withSharedClasses(Dataset train, Dataset test, String checksum) {
    int classes = Math.max(train.classes(), test.classes());
    return new Split(withClasses(train, classes), withClasses(test, classes), checksum);
  }

  private static Dataset withClasses(Dataset d, int classes) {
    return d.classes() == classes
        ? d
        : new Dataset(d.name(), d.x(), d.y(), d.n(), d.sampleShape(), classes);
  }
}
