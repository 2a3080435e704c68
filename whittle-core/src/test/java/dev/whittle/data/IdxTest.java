package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
  @TempDir Path dir;

  private Path images(String name, byte[] bytes) throws IOException {
    return IdxFiles.write(dir.resolve(name), bytes, false);
  }

  private static InputException fails(Path images, Path labels, int classes) {
    return assertThrows(InputException.class, () -> Idx.readPair(images, labels, "t", classes));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void roundTrip(boolean gzip) throws IOException {
    byte[] pixels = IdxFiles.pattern(5, 3, 4);
    byte[] labels = {0, 1, 2, 9, 4};
    // names without .gz: gzip is detected from the content
    Path im = IdxFiles.write(dir.resolve("img"), IdxFiles.images(5, 3, 4, pixels), gzip);
    Path lb = IdxFiles.write(dir.resolve("lbl"), IdxFiles.labels(labels), gzip);
    Dataset d = Idx.readPair(im, lb, "tiny", 10);
    assertEquals("tiny", d.name());
    assertEquals(5, d.n());
    assertArrayEquals(new int[] {1, 3, 4}, d.sampleShape());
    assertEquals(12, d.features());
    assertEquals(10, d.classes());
    assertArrayEquals(new int[] {0, 1, 2, 9, 4}, d.y());
    for (int i = 0; i < pixels.length; i++) {
      assertEquals((pixels[i] & 0xff) / 255f, d.x()[i], 0f);
    }
    Idx.Loaded loaded = Idx.readPairWithDigests(im, lb, "tiny", 0);
    assertEquals(10, loaded.data().classes());
    assertEquals(DataIo.sha256(IdxFiles.images(5, 3, 4, pixels)), loaded.imagesSha256());
    assertEquals(DataIo.sha256(IdxFiles.labels(labels)), loaded.labelsSha256());
  }

  @Test
  void extremesScaleToZeroAndOne() throws IOException {
    Path im = images("img", IdxFiles.images(1, 1, 2, new byte[] {0, (byte) 255}));
    Path lb = images("lbl", IdxFiles.labels(new byte[] {0}));
    assertArrayEquals(new float[] {0f, 1f}, Idx.readPair(im, lb, "t", 1).x());
    assertArrayEquals(new float[] {0f, 1f}, Idx.readImages(im, "u").x());
  }

  @Test
  void wrongMagic() throws IOException {
    Path lb = images("lbl", IdxFiles.labels(new byte[] {1, 2}));
    InputException e = fails(lb, lb, 10);
    assertTrue(e.getMessage().contains(lb + ": expected magic 2051, got 2049"), e.getMessage());
    Path im = images("img", IdxFiles.images(2, 1, 1, new byte[2]));
    e = fails(im, im, 10);
    assertTrue(e.getMessage().contains(im + ": expected magic 2049, got 2051"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void truncatedHeader(boolean gzip) throws IOException {
    byte[] full = IdxFiles.images(2, 28, 28, new byte[2 * 784]);
    Path im = IdxFiles.write(dir.resolve("img"), Arrays.copyOf(full, 10), gzip);
    Path lb = images("lbl", IdxFiles.labels(new byte[2]));
    InputException e = fails(im, lb, 10);
    assertTrue(e.getMessage().startsWith(im + ": truncated header"), e.getMessage());
    assertTrue(e.getMessage().contains("got 10"), e.getMessage());
    Path empty = IdxFiles.write(dir.resolve("empty"), new byte[0], false);
    e = fails(empty, lb, 10);
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void truncatedBody(boolean gzip) throws IOException {
    byte[] full = IdxFiles.images(3, 28, 28, new byte[3 * 784]);
    Path im = IdxFiles.write(dir.resolve("img"), Arrays.copyOf(full, 16 + 1000), gzip);
    Path lb = images("lbl", IdxFiles.labels(new byte[3]));
    InputException e = fails(im, lb, 10);
    assertEquals(
        im + ": truncated: header claims 3 images of 28x28 (2352 bytes) but only 1000 remain",
        e.getMessage());
    byte[] labels = IdxFiles.labels(new byte[5]);
    Path shortLabels = IdxFiles.write(dir.resolve("lbl2"), Arrays.copyOf(labels, 10), gzip);
    e = fails(im, shortLabels, 10);
    assertEquals(
        shortLabels + ": truncated: header claims 5 labels (5 bytes) but only 2 remain",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void hugeClaimInTinyFileDoesNotAllocate(boolean gzip) throws IOException {
    // 2^31 images of 28x28 claimed by a 100-byte file
    byte[] header = IdxFiles.idx(Idx.IMAGES_MAGIC, new int[] {1 << 31, 28, 28}, new byte[84]);
    assertEquals(100, header.length);
    Path im = IdxFiles.write(dir.resolve("img"), header, gzip);
    Path lb = images("lbl", IdxFiles.labels(new byte[1]));
    InputException e = fails(im, lb, 10);
    assertTrue(
        e.getMessage().contains("header claims 2147483648 images of 28x28 (1683627180032 bytes)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("but only 84 remain"), e.getMessage());
    // u32 max everywhere
    byte[] max = IdxFiles.idx(Idx.IMAGES_MAGIC, new int[] {-1, -1, -1}, new byte[4]);
    Path im2 = IdxFiles.write(dir.resolve("img2"), max, gzip);
    e = fails(im2, lb, 10);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    byte[] labels = IdxFiles.idx(Idx.LABELS_MAGIC, new int[] {-1}, new byte[92]);
    Path lb2 = IdxFiles.write(dir.resolve("lbl2"), labels, gzip);
    e = fails(im, lb2, 10);
    assertTrue(e.getMessage().contains("header claims 4294967295 labels"), e.getMessage());
  }

  @Test
  void zeroSizedImages() throws IOException {
    Path im = images("img", IdxFiles.images(1, 0, 5, new byte[0]));
    Path lb = images("lbl", IdxFiles.labels(new byte[1]));
    InputException e = fails(im, lb, 10);
    assertTrue(e.getMessage().contains("bad image size 0x5"), e.getMessage());
  }

  @Test
  void trailingData() throws IOException {
    byte[] full = IdxFiles.images(1, 2, 2, new byte[4]);
    Path im = images("img", Arrays.copyOf(full, full.length + 3));
    Path lb = images("lbl", IdxFiles.labels(new byte[1]));
    InputException e = fails(im, lb, 10);
    assertTrue(e.getMessage().contains("3 more bytes follow"), e.getMessage());
  }

  @Test
  void labelCountDiffersFromImageCount() throws IOException {
    Path im = images("img", IdxFiles.images(3, 2, 2, new byte[12]));
    Path lb = images("lbl", IdxFiles.labels(new byte[4]));
    InputException e = fails(im, lb, 10);
    assertTrue(e.getMessage().startsWith(lb + ": 4 labels but 3 images"), e.getMessage());
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path im = images("img", IdxFiles.images(3, 2, 2, new byte[12]));
    Path lb = images("lbl", IdxFiles.labels(new byte[] {1, 12, 3}));
    InputException e = fails(im, lb, 10);
    assertEquals(lb + ": label 12 at index 1 out of range [0, 10)", e.getMessage());
  }

  @Test
  void missingFileAndCorruptGzip() throws IOException {
    Path lb = images("lbl", IdxFiles.labels(new byte[1]));
    InputException e = fails(dir.resolve("nope"), lb, 10);
    assertTrue(e.getMessage().endsWith("nope: file not found"), e.getMessage());
    Path bad = images("bad", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    e = fails(bad, lb, 10);
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    assertThrows(InputException.class, () -> Idx.readPair(bad, lb, "t", 0));
  }

  @Test
  void gzipOfWrongLengthIsTruncated() throws IOException {
    byte[] full = IdxFiles.images(2, 2, 2, new byte[8]);
    Path gz = IdxFiles.write(dir.resolve("img.gz"), full, true);
    byte[] bytes = Files.readAllBytes(gz);
    Path cut = images("cut.gz", Arrays.copyOf(bytes, bytes.length - 12));
    Path lb = images("lbl", IdxFiles.labels(new byte[2]));
    InputException e = fails(cut, lb, 10);
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
  }
}
