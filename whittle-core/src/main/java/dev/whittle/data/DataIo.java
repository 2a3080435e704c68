package dev.whittle.data;

import dev.whittle.InputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Shared helpers: SHA-256, gzip detection, reading and skipping stream bytes, and turning I/O
 * failures into input errors.
 */
final class DataIo {
  private DataIo() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static String sha256(byte[] bytes) {
    return hex(sha256().digest(bytes));
  }

  /** SHA-256 of the text made of the given hex digests, each followed by a newline. */
  static String combine(List<String> digests) {
    StringBuilder sb = new StringBuilder();
    for (String d : digests) {
      sb.append(d).append('\n');
    }
    return sha256(sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the file starts with the gzip magic 0x1f 0x8b. */
  static boolean isGzip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (IOException e) {
      throw readError(file.toString(), e);
    }
  }

  /**
   * A buffered stream of the file's content, decompressed when it starts with the gzip magic
   * (the name does not matter).
   */
  static InputStream openContent(Path file) {
    try {
      return maybeGunzip(Files.newInputStream(file), file.toString());
    } catch (IOException e) {
      throw readError(file.toString(), e);
    }
  }

  /** Wraps {@code raw} in a gzip decoder when it starts with the gzip magic. */
  static InputStream maybeGunzip(InputStream raw, String what) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
      } catch (IOException e) {
        in.close();
        throw e;
      }
    }
    return in;
  }

  /** The SHA-256 of the file's bytes as they are on disk. */
  static String sha256OfFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return hex(digestAll(in));
    } catch (IOException e) {
      throw readError(file.toString(), e);
    }
  }

  /** The SHA-256 of the file's content, decompressed when it is gzip. */
  static String sha256OfContent(Path file) {
    try (InputStream in = openContent(file)) {
      return hex(digestAll(in));
    } catch (IOException e) {
      throw readError(file.toString(), e);
    }
  }

  static byte[] digestAll(InputStream in) throws IOException {
    MessageDigest md = sha256();
    try (DigestInputStream din = new DigestInputStream(in, md)) {
      byte[] buf = new byte[1 << 16];
      while (din.read(buf) >= 0) {
        // the digest sees every byte
      }
    }
    return md.digest();
  }

  /** Reads into {@code b[off..off+len)} until it is full or the stream ends; the count read. */
  static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
    int got = 0;
    while (got < len) {
      int r = in.read(b, off + got, len - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    return got;
  }

  /** Reads and discards up to {@code limit} bytes, fewer if the stream ends; the count read. */
  static long skipUpTo(InputStream in, long limit) throws IOException {
    byte[] buf = new byte[1 << 16];
    long got = 0;
    while (got < limit) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, limit - got));
      if (r < 0) {
        break;
      }
      got += r;
    }
    return got;
  }

  /** The input error for a failed read of {@code what}. */
  static InputException readError(String what, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new InputException(what + ": file not found", e);
    }
    if (e instanceof AccessDeniedException) {
      return new InputException(what + ": permission denied", e);
    }
    if (e instanceof EOFException) {
      return new InputException(what + ": truncated (unexpected end of file)", e);
    }
    if (e instanceof ZipException) {
      return new InputException(what + ": corrupt gzip data: " + e.getMessage(), e);
    }
    String msg = e.getMessage();
    if (msg != null && msg.contains("ZLIB input stream")) {
      return new InputException(what + ": truncated gzip data: " + msg, e);
    }
    return new InputException(what + ": cannot read: " + (msg == null ? e : msg), e);
  }

  /** Unwraps a reader's {@link UncheckedIOException} into the input error for {@code what}. */
  static InputException readError(String what, UncheckedIOException e) {
    return readError(what, e.getCause());
  }
}
