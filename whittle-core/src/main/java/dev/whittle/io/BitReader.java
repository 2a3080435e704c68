package dev.whittle.io;

import dev.whittle.InputException;

/**
 * Reads bit fields from a byte range, most significant bit first within each byte, and fails
 * with an {@link InputException} rather than read past the range's end.
 */
final class BitReader {
  private final byte[] buf;
  private final long end; // in bits
  private final String where;
  private long pos; // in bits

  BitReader(byte[] buf, int from, int to, String where) {
    this.buf = buf;
    this.pos = (long) from << 3;
    this.end = (long) to << 3;
    this.where = where;
  }

  int bit() {
    if (pos >= end) {
      throw new InputException(where + " ends in the middle of its data");
    }
    int b = buf[(int) (pos >>> 3)] >>> (7 - (pos & 7)) & 1;
    pos++;
    return b;
  }

  /** Reads an unsigned field of {@code n} bits (0..31). */
  int read(int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      v = v << 1 | bit();
    }
    return v;
  }

  /** Bits left before the end of the range. */
  long remaining() {
    return end - pos;
  }
}
