package dev.whittle.io;

import dev.whittle.InputException;
import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Raw deflate streams (RFC 1951, no zlib header) as the file format stores them. */
final class Deflate {
  /** Most bytes one byte of a deflate stream can give (RFC 1951: 258 bytes from 2 bits). */
  static final long MAX_RATIO = 1032;

  private Deflate() {}

  /** {@code in} deflated at the best compression. */
  static byte[] deflate(byte[] in) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(in);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  /**
   * The {@code size} bytes that {@code p[from, from + len)} inflates to, exactly: a stream that
   * gives fewer or more bytes, or does not end where it should, is refused. The size is checked
   * against the stream's length before anything is allocated.
   */
  static byte[] inflate(byte[] p, int from, int len, long size, String where) {
    if (size < 0 || size > MAX_RATIO * (len + 1L) || size > Integer.MAX_VALUE - 8) {
      throw new InputException(where + ": " + size + " bytes cannot come from a " + len
          + "-byte deflate stream");
    }
    byte[] buf = new byte[(int) size];
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(p, from, len);
      int got = 0;
      while (got < buf.length) {
        int m = inf.inflate(buf, got, buf.length - got);
        if (m == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          throw new InputException(where + ": deflate stream ends after " + got + " of " + size
              + " bytes");
        }
        got += m;
      }
      // The stream must end exactly here: one more byte of output would be one too many.
      if (!inf.finished() && inf.inflate(new byte[1]) != 0) {
        throw new InputException(where + ": deflate stream holds more than " + size + " bytes");
      }
      if (!inf.finished() || inf.getRemaining() != 0) {
        throw new InputException(where + ": deflate stream does not end where its section does");
      }
    } catch (DataFormatException e) {
      throw new InputException(where + ": corrupt deflate stream ("
          + String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " ") + ")", e);
    } finally {
      inf.end();
    }
    return buf;
  }
}
