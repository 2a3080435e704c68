package dev.whittle.io;

import dev.whittle.InputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** Constants and message helpers shared by {@link WtlReader} and {@link WtlWriter}. */
final class WtlFormat {
  private WtlFormat() {}

  /** The first 8 bytes of every file: ASCII {@code WHITTLE} and a zero byte. */
  static final byte[] MAGIC = "WHITTLE\0".getBytes(StandardCharsets.US_ASCII);

  /**
   * The newest format version this code writes and reads. Version 2 adds the DEFL section; a
   * file without one is written as version 1.
   */
  static final int VERSION = 2;

  /** Header flags this code understands (none yet). */
  static final int KNOWN_FLAGS = 0;

  static final int HEADER_BYTES = 12;

  /** Bytes of tag and length in front of a section payload. */
  static final int SECTION_HEAD_BYTES = 12;

  static final int CRC_BYTES = 4;

  static final int GRPH = fourCc("GRPH");
  static final int TENS = fourCc("TENS");
  static final int CONS = fourCc("CONS");
  static final int STAT = fourCc("STAT");
  static final int PROV = fourCc("PROV");
  static final int ENDS = fourCc("ENDS");

  /** A deflated section: u32 tag, u64 length of the inflated payload, raw deflate stream. */
  static final int DEFL = fourCc("DEFL");

  static final int DEFL_HEAD_BYTES = 12;

  /** Attribute value type tags (u8). Zero is never used. */
  static final int ATTR_LONG = 1;

  static final int ATTR_DOUBLE = 2;
  static final int ATTR_STRING = 3;
  static final int ATTR_LONGS = 4;
  static final int ATTR_DOUBLES = 5;

  /** Minimum encoded sizes, used to bound list counts before allocating. */
  static final int MIN_STRING = 4;

  static final int MIN_NODE = 4 + 4 + 4 + 4;
  static final int MIN_ATTR = 4 + 1 + 4;
  static final int MIN_TENSOR = 4 + 2 + 1 + 8;
  static final int MIN_CONSTRAINT = 4 + 4 + 4 + 4;
  static final int MIN_PROVENANCE = 4 + 4;

  /** Largest file (and so largest byte array) the reader and writer handle. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8L;

  static final String MAX_ELEMENTS_PROPERTY = "whittle.maxTensorElements";
  static final long DEFAULT_MAX_ELEMENTS = 1L << 30;

  /** The tag whose four little-endian bytes are the ASCII characters of {@code s} in order. */
  static int fourCc(String s) {
    if (s.length() != 4) {
      throw new IllegalArgumentException("a section tag has 4 characters: " + s);
    }
    return s.charAt(0) | s.charAt(1) << 8 | s.charAt(2) << 16 | s.charAt(3) << 24;
  }

  /** A tag for messages: its four characters when printable ASCII, else hex. */
  static String tagName(int tag) {
    StringBuilder sb = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      int c = (tag >>> (8 * i)) & 0xff;
      if (c < 0x20 || c > 0x7e) {
        return String.format("0x%08x", tag);
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** A count for messages: {@code 2^k} for powers of two from 1024 up, else decimal. */
  static String count(BigInteger n) {
    if (n.signum() > 0 && n.bitCount() == 1 && n.bitLength() > 10) {
      return "2^" + (n.bitLength() - 1);
    }
    return n.toString();
  }

  static String count(long n) {
    return count(BigInteger.valueOf(n));
  }

  /** An unsigned 64-bit count for messages. */
  static String unsignedCount(long n) {
    return count(new BigInteger(Long.toUnsignedString(n)));
  }

  /**
   * A file-supplied string quoted for a one-line message: control characters escaped, long
   * strings shortened.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 80) + 2).append('\'');
    int limit = 80;
    for (int i = 0; i < s.length(); i++) {
      if (i == limit) {
        sb.append("...");
        break;
      }
      char c = s.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  /** Human-readable byte size: {@code 2.5 GiB}, {@code 12 MiB}, {@code 80 bytes}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * The ceiling on elements per tensor: system property {@value #MAX_ELEMENTS_PROPERTY}, default
   * 2^30.
   */
  static long maxTensorElements() {
    String v = System.getProperty(MAX_ELEMENTS_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_ELEMENTS;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new InputException(
        "system property "
            + MAX_ELEMENTS_PROPERTY
            + " must be a positive whole number, got "
            + quote(v));
  }
}
