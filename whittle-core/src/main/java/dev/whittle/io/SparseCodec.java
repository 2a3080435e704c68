package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes {@link Encoding#SPARSE_F32}: relative one-byte gaps with filler entries
 * (Han et al. 2016, Figure 3, with 8-bit instead of 3-bit gaps). Decoding checks every gap
 * against the tensor's size, so a hostile payload cannot write outside it.
 */
public final class SparseCodec {
  private static final int MAX_GAP = 255;

  private SparseCodec() {}

  /** Entries (non-zeros plus fillers) the encoding of {@code v} needs. */
  public static long entries(float[] v) {
    long e = 0;
    int prev = -1;
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0f) {
        e += (i - prev - 1) / (MAX_GAP + 1) + 1;
        prev = i;
      }
    }
    return e;
  }

  /** Bytes of the encoded payload of {@code v}. */
  public static long bytes(float[] v) {
    return 4 + 5 * entries(v);
  }

  public static byte[] encode(float[] v) {
    int e = Math.toIntExact(entries(v));
    ByteBuffer b = ByteBuffer.allocate(4 + 5 * e).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(e);
    float[] values = new float[e];
    int k = 0;
    int prev = -1;
    for (int i = 0; i < v.length; i++) {
      if (v[i] == 0f) {
        continue;
      }
      int gap = i - prev - 1;
      while (gap > MAX_GAP) {
        b.put((byte) MAX_GAP);
        values[k++] = 0f;
        gap -= MAX_GAP + 1;
      }
      b.put((byte) gap);
      values[k++] = v[i];
      prev = i;
    }
    for (float f : values) {
      b.putFloat(f);
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
    long pos = -1;
    int valueAt = 4 + (int) e;
    for (int k = 0; k < e; k++) {
      pos += (payload[4 + k] & 0xff) + 1;
      if (pos >= elements) {
        throw new InputException(where + ": sparse entry " + k + " lies at position " + pos
            + ", past the tensor's " + elements + " elements");
      }
      out[(int) pos] = b.getFloat(valueAt + 4 * k);
    }
    return out;
  }
}
