package dev.whittle.kernel;

/**
 * Bit-packed integer formats for quantized weights. Both layouts below are file formats: change
 * them only with a format version.
 *
 * <p><b>b-bit fields</b> (b = 1..8): signed two's-complement integers in [-2^(b-1), 2^(b-1) - 1]
 * (so b = 1 holds {-1, 0}). The whole tensor, row-major, is one contiguous bit stream with no
 * padding between rows: element i occupies stream bits [i*b, i*b + b), its least significant bit
 * first, and stream bit t is bit (t % 8) of byte t / 8 (little-endian: element 0 sits in the low
 * bits of byte 0). count elements take ceil(count * b / 8) bytes; unused high bits of the last
 * byte are zero.
 *
 * <p><b>Sign bits</b>: a (rows, cols) matrix of +1/-1, each row in {@link #words(int)} longs;
 * column p of a row is bit (p % 64) of word p / 64, bit 1 = +1 and bit 0 = -1. Padding bits past
 * cols are written as 0; readers ({@link XnorGemm}, {@link BinaryGemm}) ignore them.
 */
public final class BitPack {

  private BitPack() {}

  /** Bytes taken by count b-bit fields: ceil(count * bits / 8). */
  public static long bytes(long count, int bits) {
    checkBits(bits);
    if (count < 0) {
      throw new IllegalArgumentException("element count must be >= 0, got " + count);
    }
    return (count * bits + 7) / 8;
  }

  /** Packs every value as a b-bit field; fails naming the first value out of range. */
  public static byte[] pack(byte[] values, int bits) {
    return pack(values, 0, values.length, bits);
  }

  /** Packs values[off, off + count) as b-bit fields into a new array of bytes(count, bits). */
  public static byte[] pack(byte[] values, int off, int count, int bits) {
    long size = bytes(count, bits);
    if (off < 0 || count > values.length - off) {
      throw new IndexOutOfBoundsException("pack: " + count + " values at offset " + off
          + " exceed the array of " + values.length);
    }
    int lo = -(1 << (bits - 1));
    int hi = (1 << (bits - 1)) - 1;
    int mask = (1 << bits) - 1;
    byte[] out = new byte[(int) size];
    for (int i = 0; i < count; i++) {
      int v = values[off + i];
      if (v < lo || v > hi) {
        throw new IllegalArgumentException("value " + i + " is " + v + ", outside the " + bits
            + "-bit range [" + lo + ", " + hi + "]");
      }
      long t = (long) i * bits;
      int at = (int) (t >>> 3);
      int shift = (int) (t & 7);
      // up to 15 bits: the field spills into the next byte when shift + bits > 8
      int field = (v & mask) << shift;
      out[at] |= (byte) field;
      if (shift + bits > 8) {
        out[at + 1] |= (byte) (field >>> 8);
      }
    }
    return out;
  }

  /** The first count fields of packed, sign-extended into a new array. */
  public static byte[] unpack(byte[] packed, int bits, int count) {
    byte[] out = new byte[count];
    unpack(packed, bits, 0, out, 0, count);
    return out;
  }

  /** Fields [from, from + count) of packed, sign-extended, into dst[dstOff, dstOff + count). */
  public static void unpack(byte[] packed, int bits, long from, byte[] dst, int dstOff,
      int count) {
    checkBits(bits);
    if (from < 0 || count < 0 || bytes(from + count, bits) > packed.length) {
      throw new IndexOutOfBoundsException("unpack: fields [" + from + ", " + (from + count)
          + ") of " + bits + " bits need " + bytes(Math.max(0, from + count), bits)
          + " bytes, array has " + packed.length);
    }
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = (byte) field(packed, bits, from + i);
    }
  }

  /** Field index of packed, sign-extended. */
  public static int get(byte[] packed, int bits, long index) {
    checkBits(bits);
    if (index < 0 || bytes(index + 1, bits) > packed.length) {
      throw new IndexOutOfBoundsException("field " + index + " of " + bits
          + " bits is outside an array of " + packed.length + " bytes");
    }
    return field(packed, bits, index);
  }

  private static int field(byte[] packed, int bits, long index) {
    long t = index * bits;
    int at = (int) (t >>> 3);
    int shift = (int) (t & 7);
    int w = packed[at] & 0xFF;
    if (shift + bits > 8) {
      w |= (packed[at + 1] & 0xFF) << 8;
    }
    return (w << (32 - shift - bits)) >> (32 - bits); // move the field to the top, sign-extend
  }

  /** Longs per row of cols sign bits: ceil(cols / 64). */
  public static int words(int cols) {
    if (cols < 0) {
      throw new IllegalArgumentException("column count must be >= 0, got " + cols);
    }
    return (cols + 63) >>> 6;
  }

  /** Sign bits of a row-major (rows, cols) matrix: bit 1 (+1) unless x < 0. */
  public static long[] packSigns(float[] x, int rows, int cols) {
    return packSigns(x, 0, cols, rows, cols);
  }

  /**
   * Sign bits of the (rows, cols) matrix at x[off] with leading dimension ld: bit 1 (+1) unless
   * x < 0, so 0 and NaN map to +1.
   */
  public static long[] packSigns(float[] x, int off, int ld, int rows, int cols) {
    int w = words(cols);
    if (rows < 0 || ld < cols) {
      throw new IllegalArgumentException("packSigns: need rows >= 0 and ld >= cols, got rows="
          + rows + " ld=" + ld + " cols=" + cols);
    }
    long last = (long) off + (long) (rows - 1) * ld + cols;
    if (rows > 0 && cols > 0 && (off < 0 || last > x.length)) {
      throw new IndexOutOfBoundsException("packSigns: (" + rows + ", " + cols + ") at offset "
          + off + " with leading dimension " + ld + " exceeds the array of " + x.length);
    }
    long[] out = new long[rows * w];
    for (int r = 0; r < rows; r++) {
      int src = off + r * ld;
      for (int p = 0; p < cols; p++) {
        if (!(x[src + p] < 0)) {
          out[r * w + (p >>> 6)] |= 1L << p; // shift counts are taken mod 64
        }
      }
    }
    return out;
  }

  /** The (rows, cols) matrix of +1/-1 floats held in sign bits (padding bits ignored). */
  public static float[] unpackSigns(long[] words, int rows, int cols) {
    int w = words(cols);
    if (rows < 0 || (long) rows * w > words.length) {
      throw new IndexOutOfBoundsException("unpackSigns: " + rows + " rows of " + w
          + " words exceed the array of " + words.length);
    }
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < cols; p++) {
        out[r * cols + p] = (words[r * w + (p >>> 6)] >>> p & 1) != 0 ? 1f : -1f;
      }
    }
    return out;
  }

  static void checkBits(int bits) {
    if (bits < 1 || bits > 8) {
      throw new IllegalArgumentException("field width must be 1..8 bits, got " + bits);
    }
  }
}
