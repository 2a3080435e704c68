package dev.whittle.io;

import java.util.Arrays;

/** Appends bit fields to a growing byte array, most significant bit first within each byte. */
final class BitWriter {
  private byte[] buf = new byte[64];
  private long bits; // written so far

  /** Writes the low {@code n} bits of {@code value} (n in 0..32), the highest first. */
  void write(int value, int n) {
    for (int k = n - 1; k >= 0; k--) {
      int at = (int) (bits >>> 3);
      if (at == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      if ((value >>> k & 1) != 0) {
        buf[at] |= (byte) (0x80 >>> (bits & 7));
      }
      bits++;
    }
  }

  long bits() {
    return bits;
  }

  /** The bytes written, the last one padded with zero bits. */
  byte[] toBytes() {
    return Arrays.copyOf(buf, (int) ((bits + 7) >>> 3));
  }
}
