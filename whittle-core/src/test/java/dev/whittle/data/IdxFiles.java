package dev.whittle.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, magic);
    for (int d : dims) {
      writeInt(out, d);
    }
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] images(int n, int rows, int cols, byte[] pixels) {
    return idx(Idx.IMAGES_MAGIC, new int[] {n, rows, cols}, pixels);
  }

  static byte[] labels(byte[] labels) {
    return idx(Idx.LABELS_MAGIC, new int[] {labels.length}, labels);
  }

  static Path write(Path file, byte[] bytes, boolean gzip) throws IOException {
    if (gzip) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(bytes);
      }
    } else {
      Files.write(file, bytes);
    }
    return file;
  }

  /**
   * Four small well-formed IDX files that are not the real ones, in {@code folder} (created):
   * 4 training images of 2x3 labelled 0, 1, 2, 1 (gzip when asked) and 2 raw test images
   * labelled 3, 0.
   */
  static Path fakeSet(Path folder, boolean gzip) throws IOException {
    Files.createDirectories(folder);
    String gz = gzip ? ".gz" : "";
    write(folder.resolve("train-images-idx3-ubyte" + gz), images(4, 2, 3, pattern(4, 2, 3)), gzip);
    write(folder.resolve("train-labels-idx1-ubyte" + gz), labels(new byte[] {0, 1, 3, 1}), gzip);
    write(folder.resolve("t10k-images-idx3-ubyte"), images(2, 2, 3, pattern(2, 2, 3)), false);
    write(folder.resolve("t10k-labels-idx1-ubyte"), labels(new byte[] {3, 0}), false);
    return folder;
  }

  /** n images of rows x cols whose pixel j of image i is (i * 7 + j) mod 256. */
  static byte[] pattern(int n, int rows, int cols) {
    byte[] b = new byte[n * rows * cols];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < rows * cols; j++) {
        b[i * rows * cols + j] = (byte) (i * 7 + j);
      }
    }
    return b;
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
