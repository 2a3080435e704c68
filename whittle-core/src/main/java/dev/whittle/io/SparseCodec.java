package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntPredicate;

/**
 * Encodes and decodes {@link Encoding#SPARSE_F32}: relative one-byte gaps with filler entries
 * (Han et al. 2016, Figure 3, with 8-bit instead of 3-bit gaps). Decoding checks every gap
 * against the tensor's size, so a hostile payload cannot write outside it. The gap stream is
 * shared with {@link Encoding#SPARSE_QUANT} ({@link QuantCodec}).
 */
public final class SparseCodec {
  /** The longest gap one byte holds; a longer one is bridged by a filler entry with this gap. */
  static final int MAX_GAP = 255;

  private SparseCodec() {}

  /** Entries (non-zeros plus fillers) the encoding of {@code v} needs. */
  public static long entries(float[] v) {
    return entries(v.length, nonZero(v));
  }

  /** Entries (kept elements plus fillers) for the elements i below n where {@code kept} holds. */
  static long entries(int n, IntPredicate kept) {
    long e = 0;
    int prev = -1;
    for (int i = 0; i < n; i++) {
      if (kept.test(i)) {
        e += (i - prev - 1) / (MAX_GAP + 1) + 1;
        prev = i;
      }
    }
    return e;
  }

  /**
   * The positions of those entries in order. A filler lies {@code MAX_GAP + 1} positions after the
   * entry before it, on an element that is not kept.
   */
  static int[] positions(int n, IntPredicate kept) {
    int[] at = new int[Math.toIntExact(entries(n, kept))];
    int k = 0;
    int prev = -1;
    for (int i = 0; i < n; i++) {
      if (kept.test(i)) {
        for (; i - prev - 1 > MAX_GAP; prev += MAX_GAP + 1) {
          at[k++] = prev + MAX_GAP + 1;
        }
        at[k++] = i;
        prev = i;
      }
    }
    return at;
  }

  /** Puts the one-byte gap before each of {@code positions}, as {@link #positions} gives them. */
  static void putGaps(ByteBuffer b, int[] positions) {
    int prev = -1;
    for (int p : positions) {
      b.put((byte) (p - prev - 1));
      prev = p;
    }
  }

  /**
   * The positions of the {@code count} entries whose gaps start at {@code payload[from]}, each
   * checked to lie inside a tensor of {@code elements}. The caller has checked that the gaps are
   * in the payload.
   */
  static int[] positions(byte[] payload, int from, int count, long elements, String where) {
    int[] at = new int[count];
    long pos = -1;
    for (int k = 0; k < count; k++) {
      pos += (payload[from + k] & 0xff) + 1;
      if (pos >= elements) {
        throw new InputException(where + ": sparse entry " + k + " lies at position " + pos
            + ", past the tensor's " + elements + " elements");
      }
      at[k] = (int) pos;
    }
    return at;
  }

  private static IntPredicate nonZero(float[] v) {
    return i -> v[i] != 0f;
  }

  /** Bytes of the encoded payload of {@code v}. */
  public static long bytes(float[] v) {
    return 4 + 5 * entries(v);
  }

  public static byte[] encode(float[] v) {
    IntPredicate kept = nonZero(v);
    int[] at = positions(v.length, kept);
    ByteBuffer b = ByteBuffer.allocate(4 + 5 * at.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(at.length);
    putGaps(b, at);
    for (int i : at) {
      b.putFloat(kept.test(i) ? v[i] : 0f);
    }
    return b.array();
  }

  /** The dense values of a tensor of {@code elements} entries. */
  public static float[] decode(byte[] payload, long elements, String where) {
    if (payload.length < 4) {
      throw new InputException(where + ": sparse payload of " + payload.length + " bytes has no"
          + " entry count");
    }
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    long e = Integer.toUnsignedLong(b.getInt());
    if (4 + 5 * e != payload.length) {
      throw new InputException(where + ": sparse payload claims " + e + " entries ("
          + (4 + 5 * e) + " bytes) but holds " + payload.length + " bytes");
    }
    // Trailing zeros take no bytes, so the file's length does not bound the tensor: the ceiling does.
    Limits.checkTensor(where, elements, Float.BYTES);
    float[] out = new float[(int) elements];
    int[] at = positions(payload, 4, (int) e, elements, where);
    int valueAt = 4 + (int) e;
    for (int k = 0; k < at.length; k++) {
      out[at[k]] = b.getFloat(valueAt + 4 * k);
    }
    return out;
  }
}
