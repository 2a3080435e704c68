package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.QuantizedWeights.Form;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The payloads of {@link Encoding#QUANT} and {@link Encoding#SPARSE_QUANT}: integer codes packed
 * at their bit width, with the per-channel numbers that give them values (the channels are the
 * first axis):
 *
 * <pre>
 *   u8  form      0 affine, 1 sign, 2 logic (see {@link QuantizedWeights})
 *   u8  bits      1..8
 *   u8  signed    1 when affine codes are two's complement
 *   u8  zeros     1 when zero points follow (affine codes with a non-zero zero point)
 *   u32 channels  dividing the element count
 *   f32 scale[channels]
 *   i32 zeroPoint[channels]   (when zeros is 1; else every zero point is 0)
 *   f32 offset[channels]      (logic only)
 *   u32 E         entries                          (SPARSE_QUANT only)
 *   u8  gap[E]    as in {@link SparseCodec}        (SPARSE_QUANT only)
 *   codes         one per element (QUANT) or per entry (SPARSE_QUANT), bits bits each,
 *                 little-endian bit order: code i occupies bits [i * bits, (i + 1) * bits) of
 *                 the stream, bit j of the stream being bit (j mod 8) of byte (j / 8); the last
 *                 byte is padded with zeros
 * </pre>
 *
 * SPARSE_QUANT stores only the entries: the elements whose float value is not +0.0f (raw bits,
 * so -0.0f is an entry), placed by one-byte gaps with fillers exactly as in {@link
 * Encoding#SPARSE_F32}; an entry's channel is its position / (elements / channels). A filler is
 * an entry with gap 255 and code 0; it decodes to +0.0f, as does every element that is not an
 * entry. A real entry with gap 255 and code 0 would read as a filler, so such values cannot be
 * stored sparse and {@link #bytes} says so.
 *
 * <p>Decoding computes each value with the float32 arithmetic of {@link QuantizedWeights}, so a
 * loaded model holds exactly the weights that were saved.
 */
public final class QuantCodec {
  private QuantCodec() {}

  /** The per-channel numbers of a payload. */
  public record Header(Form form, int bits, boolean signed, float[] scale, int[] zeroPoint,
      float[] offset) {}

  /**
   * A checked payload: its header, its code count (elements or entries) and where its gaps
   * (sparse only) and codes start.
   */
  private record Layout(Header header, boolean sparse, long codes, int gapsAt, int codesAt) {}

  private static long headerBytes(long channels, Form form, boolean zeros) {
    return 8 + 4 * channels + (form == Form.LOGIC || zeros ? 4 * channels : 0);
  }

  private static boolean zeros(QuantizedWeights q) {
    if (q.form() != Form.AFFINE) {
      return false;
    }
    for (int z : q.zeroPoint()) {
      if (z != 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean sparse(Encoding encoding) {
    return switch (encoding) {
      case QUANT -> false;
      case SPARSE_QUANT -> true;
      default -> throw new IllegalArgumentException(encoding + " is not a quantized encoding");
    };
  }

  /** Whether SPARSE_QUANT stores the element {@code v}: any value but +0.0f. */
  private static boolean entry(float v) {
    return Float.floatToRawIntBits(v) != 0;
  }

  /** Entries (values other than +0.0f, plus fillers) SPARSE_QUANT stores for {@code values}. */
  public static long entries(float[] values) {
    return SparseCodec.entries(values.length, i -> entry(values[i]));
  }

  private static int[] positions(float[] values) {
    return SparseCodec.positions(values.length, i -> entry(values[i]));
  }

  /** The code of {@code values[i]}, whose channel is i / (length / channels). */
  private static int code(QuantizedWeights q, float[] values, int i) {
    return q.code(values[i], i / (values.length / q.channels())) & ((1 << q.bits()) - 1);
  }

  /** Whether a real entry has gap 255 and code 0, which a reader takes for a filler. */
  private static boolean readsAsFiller(QuantizedWeights q, float[] values, int[] at) {
    int prev = -1;
    for (int i : at) {
      if (i - prev - 1 == SparseCodec.MAX_GAP && entry(values[i]) && code(q, values, i) == 0) {
        return true;
      }
      prev = i;
    }
    return false;
  }

  /** SPARSE_QUANT when its payload is smaller than QUANT's, else QUANT. */
  public static Encoding encoding(QuantizedWeights q, float[] values) {
    return bytes(Encoding.SPARSE_QUANT, q, values) < bytes(Encoding.QUANT, q, values)
        ? Encoding.SPARSE_QUANT : Encoding.QUANT;
  }

  /**
   * The payload size of {@code values} in {@code encoding}; {@link Long#MAX_VALUE} when
   * SPARSE_QUANT cannot hold them (a real entry would read as a filler).
   */
  public static long bytes(Encoding encoding, QuantizedWeights q, float[] values) {
    long head = headerBytes(q.channels(), q.form(), zeros(q));
    if (!sparse(encoding)) {
      return head + ((long) values.length * q.bits() + 7) / 8;
    }
    int[] at = positions(values);
    if (readsAsFiller(q, values, at)) {
      return Long.MAX_VALUE;
    }
    return head + 4 + at.length + ((long) at.length * q.bits() + 7) / 8;
  }

  /**
   * The payload of {@code values}, the projected weights of {@code q}.
   *
   * @throws IllegalArgumentException if SPARSE_QUANT cannot hold them (see {@link #bytes})
   */
  public static byte[] encode(Encoding encoding, QuantizedWeights q, float[] values) {
    long size = bytes(encoding, q, values);
    if (size == Long.MAX_VALUE) {
      throw new IllegalArgumentException("a sparse entry would read as a filler; use QUANT");
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    boolean zeros = zeros(q);
    b.put((byte) q.form().ordinal()).put((byte) q.bits()).put((byte) (q.signedCodes() ? 1 : 0))
        .put((byte) (zeros ? 1 : 0));
    b.putInt(q.channels());
    for (float s : q.scale()) {
      b.putFloat(s);
    }
    if (zeros) {
      for (int z : q.zeroPoint()) {
        b.putInt(z);
      }
    } else if (q.form() == Form.LOGIC) {
      for (float o : q.offset()) {
        b.putFloat(o);
      }
    }
    int[] at = sparse(encoding) ? positions(values) : null;
    if (at != null) {
      b.putInt(at.length);
      SparseCodec.putGaps(b, at);
    }
    int start = b.position();
    byte[] out = b.array();
    int n = at == null ? values.length : at.length;
    for (int k = 0; k < n; k++) {
      int i = at == null ? k : at[k];
      if (at == null || entry(values[i])) { // a filler's code is 0
        putCode(out, start, k, q.bits(), code(q, values, i));
      }
    }
    return out;
  }

  private static void putCode(byte[] out, int start, long k, int bits, int code) {
    long bit = k * bits;
    for (int j = 0; j < bits; j++, bit++) {
      if ((code >>> j & 1) != 0) {
        out[start + (int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
      }
    }
  }

  private static int readCode(byte[] payload, int start, long k, int bits) {
    int code = 0;
    long bit = k * bits;
    for (int j = 0; j < bits; j++, bit++) {
      code |= (payload[start + (int) (bit >>> 3)] >>> (bit & 7) & 1) << j;
    }
    return code;
  }

  /** The value of {@code code} in channel c, in the float32 arithmetic of QuantizedWeights. */
  private static float value(Header h, int code, int c) {
    int bits = h.bits();
    if (h.signed() && bits > 1 && (code >>> (bits - 1) & 1) != 0) {
      code -= 1 << bits;
    }
    return switch (h.form()) {
      case AFFINE -> (float) (code - h.zeroPoint()[c]) * h.scale()[c];
      case SIGN -> code == 1 ? h.scale()[c] : -h.scale()[c];
      case LOGIC -> code == 1 ? h.offset()[c] + h.scale()[c] : h.offset()[c];
    };
  }

  /**
   * The per-channel numbers of a payload in {@code encoding} (QUANT or SPARSE_QUANT) holding
   * {@code elements} values, the whole payload checked against them.
   */
  public static Header header(Encoding encoding, byte[] payload, long elements, String where) {
    return layout(encoding, payload, elements, where).header();
  }

  private static Layout layout(Encoding encoding, byte[] payload, long elements, String where) {
    boolean sparse = sparse(encoding);
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    if (payload.length < 8) {
      throw new InputException(where + ": quantized payload of " + payload.length
          + " bytes is shorter than its 8-byte header");
    }
    int f = b.get() & 0xFF;
    int bits = b.get() & 0xFF;
    boolean signed = b.get() != 0;
    int z = b.get() & 0xFF;
    long channels = b.getInt() & 0xFFFFFFFFL;
    if (f >= Form.values().length) {
      throw new InputException(where + ": unknown quantized form " + f);
    }
    Form form = Form.values()[f];
    if (bits < 1 || bits > 8 || (form != Form.AFFINE && bits != 1)) {
      throw new InputException(where + ": " + bits + "-bit codes are not valid for form "
          + form.name().toLowerCase(Locale.ROOT));
    }
    if (z > 1 || z == 1 && form != Form.AFFINE) {
      throw new InputException(where + ": zero-point flag " + z + " is not valid for form "
          + form.name().toLowerCase(Locale.ROOT));
    }
    if (channels == 0 || channels > elements || elements % channels != 0) {
      throw new InputException(where + ": " + channels + " channels do not divide "
          + elements + " values");
    }
    long head = headerBytes(channels, form, z == 1);
    long codes = elements;
    long codesAt = head;
    if (sparse) {
      if (payload.length < head + 4) {
        throw new InputException(where + ": sparse quantized payload of " + payload.length
            + " bytes is shorter than its " + (head + 4) + "-byte header and entry count");
      }
      codes = Integer.toUnsignedLong(b.getInt((int) head));
      if (codes > elements) {
        throw new InputException(where + ": sparse quantized payload claims " + codes
            + " entries, more than the tensor's " + elements + " elements");
      }
      codesAt = head + 4 + codes;
    }
    long need = codesAt + (codes * bits + 7) / 8;
    if (need != payload.length) {
      throw new InputException(where + ": quantized payload has " + payload.length
          + " bytes, its header implies " + need);
    }
    int ch = (int) channels;
    float[] scale = new float[ch];
    int[] zp = new int[ch];
    float[] offset = new float[ch];
    for (int c = 0; c < ch; c++) {
      scale[c] = b.getFloat();
      if (!Float.isFinite(scale[c])) {
        throw new InputException(where + ": scale of channel " + c + " is not finite");
      }
    }
    if (z == 1) {
      for (int c = 0; c < ch; c++) {
        zp[c] = b.getInt();
      }
    } else if (form == Form.LOGIC) {
      for (int c = 0; c < ch; c++) {
        offset[c] = b.getFloat();
        if (!Float.isFinite(offset[c])) {
          throw new InputException(where + ": offset of channel " + c + " is not finite");
        }
      }
    }
    return new Layout(new Header(form, bits, signed, scale, zp, offset), sparse, codes,
        (int) head + 4, (int) codesAt);
  }

  /** The values of a payload in {@code encoding} (QUANT or SPARSE_QUANT) of {@code elements}. */
  public static float[] decode(Encoding encoding, byte[] payload, long elements, String where) {
    Layout l = layout(encoding, payload, elements, where);
    // A sparse payload's trailing zeros take no bytes: the ceiling bounds the tensor.
    Limits.checkTensor(where, elements, Float.BYTES);
    Header h = l.header();
    float[] v = new float[(int) elements];
    int n = (int) l.codes();
    int[] at = l.sparse() ? SparseCodec.positions(payload, l.gapsAt(), n, elements, where) : null;
    int per = (int) (elements / h.scale().length);
    for (int k = 0; k < n; k++) {
      int code = readCode(payload, l.codesAt(), k, h.bits());
      int i = at == null ? k : at[k];
      boolean filler = at != null && code == 0
          && (payload[l.gapsAt() + k] & 0xff) == SparseCodec.MAX_GAP;
      if (!filler) {
        v[i] = value(h, code, i / per);
      }
    }
    return v;
  }
}
