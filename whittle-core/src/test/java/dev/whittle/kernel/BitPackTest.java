package dev.whittle.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BitPack: exact round trips for every width, the documented bit layout, and sign bits. */
class BitPackTest {

  private static final int[] COUNTS = {0, 1, 2, 7, 8, 9, 31, 63, 64, 65, 1000};

  /** count values of the given width: edges (min, max, 0, -1) first, then seeded random. */
  private static byte[] values(int bits, int count, long seed) {
    int lo = -(1 << (bits - 1));
    int hi = (1 << (bits - 1)) - 1;
    int[] edges = {lo, hi, 0, -1, hi, lo};
    SplittableRandom r = new SplittableRandom(seed);
    byte[] v = new byte[count];
    for (int i = 0; i < count; i++) {
      v[i] = (byte) (i < edges.length ? edges[i] : lo + r.nextInt(hi - lo + 1));
    }
    return v;
  }

  @Test
  void roundTripsEveryWidthAndCount() {
    for (int bits = 1; bits <= 8; bits++) {
      for (int count : COUNTS) {
        byte[] v = values(bits, count, 31L * bits + count);
        byte[] packed = BitPack.pack(v, bits);
        String what = bits + " bits, " + count + " values";
        assertEquals((count * bits + 7) / 8, packed.length, what + ": packed size");
        assertEquals(packed.length, BitPack.bytes(count, bits), what + ": bytes()");
        assertArrayEquals(v, BitPack.unpack(packed, bits, count), what);
        for (int i = 0; i < count; i++) {
          assertEquals(v[i], BitPack.get(packed, bits, i), what + ": get(" + i + ")");
        }
        int used = count * bits % 8;
        if (used != 0) {
          assertEquals(0, (packed[packed.length - 1] & 0xFF) >>> used,
              what + ": unused high bits of the last byte must be zero");
        }
      }
    }
  }

  @Test
  void unpacksARangeFromTheMiddle() {
    for (int bits = 1; bits <= 8; bits++) {
      byte[] v = values(bits, 300, bits);
      byte[] packed = BitPack.pack(v, bits);
      byte[] dst = new byte[110];
      BitPack.unpack(packed, bits, 37, dst, 5, 100);
      for (int i = 0; i < 100; i++) {
        assertEquals(v[37 + i], dst[5 + i], bits + " bits, element " + (37 + i));
      }
    }
  }

  @Test
  void layoutIsLittleEndianContiguousTwosComplement() {
    // 4 bits: 1 -> 0x1, -1 -> 0xF (byte 0 = 0xF1); 7 -> 0x7, -8 -> 0x8 (byte 1 = 0x87)
    assertArrayEquals(new byte[] {(byte) 0xF1, (byte) 0x87},
        BitPack.pack(new byte[] {1, -1, 7, -8}, 4));
    // 3 bits, no row padding: 001 | 010 << 3 | 011 << 6 spills one bit into byte 1
    // byte 0 = 0b11_010_001 = 0xD1, byte 1 = 0b0 (bit 8 of the stream is the top of element 2)
    assertArrayEquals(new byte[] {(byte) 0xD1, 0}, BitPack.pack(new byte[] {1, 2, 3}, 3));
    assertArrayEquals(new byte[] {(byte) 0xD1, 1}, BitPack.pack(new byte[] {1, 2, -1}, 3));
    // 1 bit holds {-1, 0}
    assertArrayEquals(new byte[] {0b101}, BitPack.pack(new byte[] {-1, 0, -1}, 1));
    // 2 bits: -2 -> 0b10, 1 -> 0b01, 0, -1 -> 0b11: 0b11_00_01_10
    assertArrayEquals(new byte[] {(byte) 0xC6}, BitPack.pack(new byte[] {-2, 1, 0, -1}, 2));
    // 8 bits is the identity
    assertArrayEquals(new byte[] {-128, 127, 0}, BitPack.pack(new byte[] {-128, 127, 0}, 8));
  }

  @Test
  void rejectsValuesOutsideTheWidthAndBadWidths() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BitPack.pack(new byte[] {0, 8}, 4));
    assertTrue(e.getMessage().contains("value 1 is 8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BitPack.pack(new byte[] {-9}, 4));
    assertThrows(IllegalArgumentException.class, () -> BitPack.pack(new byte[] {1}, 1));
    assertThrows(IllegalArgumentException.class, () -> BitPack.pack(new byte[1], 0));
    assertThrows(IllegalArgumentException.class, () -> BitPack.pack(new byte[1], 9));
    assertThrows(IndexOutOfBoundsException.class, () -> BitPack.unpack(new byte[1], 4, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> BitPack.get(new byte[1], 4, 2));
  }

  @Test
  void signBitsByHand() {
    // +1, -2, 0, 3 -> bits 1, 0, 1, 1 -> 0b1101
    long[] w = BitPack.packSigns(new float[] {1, -2, 0, 3}, 1, 4);
    assertArrayEquals(new long[] {0b1101}, w);
    assertArrayEquals(new float[] {1, -1, 1, 1}, BitPack.unpackSigns(w, 1, 4));
    // column 64 starts the second word of its row
    float[] x = new float[2 * 65];
    java.util.Arrays.fill(x, -1f);
    x[64] = 1f;
    x[65] = 1f; // row 1, column 0
    assertArrayEquals(new long[] {0, 1, 1, 0}, BitPack.packSigns(x, 2, 65));
  }

  @Test
  void signBitsRoundTripWithZeroPadding() {
    SplittableRandom r = new SplittableRandom(9);
    for (int cols : new int[] {1, 63, 64, 65, 130, 784}) {
      int rows = 3;
      float[] x = new float[rows * cols];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextBoolean() ? 1f : -1f;
      }
      long[] w = BitPack.packSigns(x, rows, cols);
      assertEquals(rows * BitPack.words(cols), w.length);
      assertArrayEquals(x, BitPack.unpackSigns(w, rows, cols), cols + " columns");
      if (cols % 64 != 0) {
        for (int row = 0; row < rows; row++) {
          long last = w[row * BitPack.words(cols) + BitPack.words(cols) - 1];
          assertEquals(0, last >>> (cols % 64), cols + " columns: padding bits must be zero");
        }
      }
    }
  }

  @Test
  void signBitsFromAStridedMatrix() {
    float[] x = {9, 1, -1, 9, -1, 1, 9, 9};
    assertArrayEquals(new long[] {0b01, 0b10}, BitPack.packSigns(x, 1, 3, 2, 2));
  }
}
