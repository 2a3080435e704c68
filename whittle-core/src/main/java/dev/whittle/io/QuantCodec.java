package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.QuantizedWeights.Form;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The payload of {@link Encoding#QUANT}: integer codes packed at their bit width, with the
 * per-channel numbers that give them values (the channels are the first axis):
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
 *   codes         elements x bits bits, little-endian bit order: code i occupies bits
 *                 [i * bits, (i + 1) * bits) of the stream, bit j of the stream being bit
 *                 (j mod 8) of byte (j / 8); the last byte is padded with zeros
 * </pre>
 *
 * Decoding computes each value with the float32 arithmetic of {@link QuantizedWeights}, so a
 * loaded model holds exactly the weights that were saved.
 */
public final class QuantCodec {
  private QuantCodec() {}

  /** The per-channel numbers of a payload. */
  public record Header(Form form, int bits, boolean signed, float[] scale, int[] zeroPoint,
      float[] offset) {}

  private static int header(int channels, Form form, boolean zeros) {
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

  /** The payload size for {@code elements} values. */
  public static long bytes(QuantizedWeights q, long elements) {
    return header(q.channels(), q.form(), zeros(q)) + (elements * q.bits() + 7) / 8;
  }

  public static byte[] encode(QuantizedWeights q, float[] values) {
    int channels = q.channels();
    int bits = q.bits();
    int per = values.length / channels;
    ByteBuffer b = ByteBuffer.allocate((int) bytes(q, values.length)).order(ByteOrder.LITTLE_ENDIAN);
    boolean zeros = zeros(q);
    b.put((byte) q.form().ordinal()).put((byte) bits).put((byte) (q.signedCodes() ? 1 : 0))
        .put((byte) (zeros ? 1 : 0));
    b.putInt(channels);
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
    int start = b.position();
    byte[] out = b.array();
    int mask = (1 << bits) - 1;
    long bit = 0;
    for (int c = 0; c < channels; c++) {
      for (int i = c * per; i < (c + 1) * per; i++) {
        int code = q.code(values[i], c) & mask;
        for (int k = 0; k < bits; k++, bit++) {
          if ((code >>> k & 1) != 0) {
            out[start + (int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
          }
        }
      }
    }
    return out;
  }

  /** The per-channel numbers of a payload holding {@code elements} values, checked. */
  public static Header header(byte[] payload, long elements, String where) {
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
          + form.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (z > 1 || z == 1 && form != Form.AFFINE) {
      throw new InputException(where + ": zero-point flag " + z + " is not valid for form "
          + form.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (channels == 0 || channels > elements || elements % channels != 0) {
      throw new InputException(where + ": " + channels + " channels do not divide "
          + elements + " values");
    }
    long need = header((int) channels, form, z == 1) + (elements * bits + 7) / 8;
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
    return new Header(form, bits, signed, scale, zp, offset);
  }

  /** The values of a payload holding {@code elements} of them. */
  public static float[] decode(byte[] payload, long elements, String where) {
    Header h = header(payload, elements, where);
    Limits.checkTensor(where, elements, Float.BYTES);
    int ch = h.scale().length;
    int bits = h.bits();
    int start = payload.length - (int) ((elements * bits + 7) / 8);
    float[] scale = h.scale();
    int[] zp = h.zeroPoint();
    float[] offset = h.offset();
    float[] v = new float[(int) elements];
    int per = (int) (elements / ch);
    long bit = 0;
    for (int c = 0; c < ch; c++) {
      for (int i = c * per; i < (c + 1) * per; i++) {
        int code = 0;
        for (int k = 0; k < bits; k++, bit++) {
          code |= (payload[start + (int) (bit >>> 3)] >>> (bit & 7) & 1) << k;
        }
        if (h.signed() && bits > 1 && (code >>> (bits - 1) & 1) != 0) {
          code -= 1 << bits;
        }
        v[i] = switch (h.form()) {
          case AFFINE -> (float) (code - zp[c]) * scale[c];
          case SIGN -> code == 1 ? scale[c] : -scale[c];
          case LOGIC -> code == 1 ? offset[c] + scale[c] : offset[c];
        };
      }
    }
    return v;
  }
}
