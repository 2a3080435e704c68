package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.QuantizedWeights.Form;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Encoding#QUANT} and {@link Encoding#SPARSE_QUANT}: a sparse payload checked byte by
 * byte, round trips of every form and bit width that give back every bit, and damaged payloads
 * that fail with one line naming the tensor.
 */
class QuantCodecTest {
  private static final String WHERE = "m.wtl: tensor 'fc1.weight'";

  /**
   * Fixed per-channel numbers, with the plain scalar rules of {@link QuantizedWeights}: the
   * reference the codec is checked against.
   */
  record Fixed(Form form, int bits, boolean signedCodes, float[] scale, int[] zeroPoint,
      float[] offset) implements QuantizedWeights {
    @Override
    public int channels() {
      return scale.length;
    }

    int lo() {
      return signedCodes ? -(1 << (bits - 1)) : 0;
    }

    int hi() {
      return signedCodes ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** The value of a code (as returned by {@link #code}) in channel c. */
    float value(int q, int c) {
      return switch (form) {
        case AFFINE -> (float) (q - zeroPoint[c]) * scale[c];
        case SIGN -> q == 1 ? scale[c] : -scale[c];
        case LOGIC -> q == 1 ? offset[c] + scale[c] : offset[c];
      };
    }

    @Override
    public int code(float value, int c) {
      return switch (form) {
        case AFFINE -> Math.clamp(Math.round(value / scale[c]) + zeroPoint[c], lo(), hi());
        case SIGN -> value == scale[c] ? 1 : 0;
        case LOGIC -> value == offset[c] + scale[c] ? 1 : 0;
      };
    }
  }

  static Fixed affine(int bits, boolean signed, float[] scale, int[] zeroPoint) {
    return new Fixed(Form.AFFINE, bits, signed, scale, zeroPoint, new float[scale.length]);
  }

  /**
   * Shape (2, 300), 3-bit signed codes, scales 0.5 and -0.25 (a negative scale makes code 0 give
   * -0.0f). Entries at 1, 2, 269 (a filler at 258 bridges the gap of 266), 300 (-0.0f, channel 1)
   * and 599 (a filler at 556 bridges the gap of 298).
   */
  static float[] handValues() {
    float[] v = new float[600];
    v[1] = 1.5f; // code 3
    v[2] = -2f; // code -4: 0b100
    v[269] = 0.5f; // code 1
    v[300] = -0f; // code 0 times -0.25
    v[599] = 0.75f; // code -3: 0b101
    return v;
  }

  static final Fixed HAND = affine(3, true, new float[] {0.5f, -0.25f}, new int[2]);

  static byte[] handPayload() {
    return new LeBytes()
        .u8(0).u8(3).u8(1).u8(0).u32(2) // affine, 3 bits, signed, no zero points, 2 channels
        .u32(Float.floatToRawIntBits(0.5f)).u32(Float.floatToRawIntBits(-0.25f))
        .u32(7) // five entries and two fillers
        .bytes(new byte[] {1, 0, (byte) 255, 10, 30, (byte) 255, 42})
        // codes 3, 4, 0, 1, 0, 0, 5 at bits 0, 3, 6, ..., 18, least significant bit first
        .bytes(new byte[] {0x23, 0x02, 0x14})
        .toBytes();
  }

  @Test
  void handEncodedSparsePayload() {
    float[] v = handValues();
    byte[] b = QuantCodec.encode(Encoding.SPARSE_QUANT, HAND, v);
    assertArrayEquals(handPayload(), b);
    assertEquals(30, QuantCodec.bytes(Encoding.SPARSE_QUANT, HAND, v));
    assertEquals(16 + 225, QuantCodec.bytes(Encoding.QUANT, HAND, v)); // 600 codes of 3 bits
    assertEquals(Encoding.SPARSE_QUANT, QuantCodec.encoding(HAND, v));
    assertEquals(7, QuantCodec.entries(v));
    assertBitsEqual(v, QuantCodec.decode(Encoding.SPARSE_QUANT, b, v.length, WHERE));
    QuantCodec.Header h = QuantCodec.header(Encoding.SPARSE_QUANT, b, v.length, WHERE);
    assertArrayEquals(new float[] {0.5f, -0.25f}, h.scale());
    assertEquals(3, h.bits());
  }

  @Test
  void aRealEntryThatWouldReadAsAFillerKeepsTheDenseForm() {
    // Unsigned codes with zero point 4: code 0 is -2, which at gap 255 looks like a filler.
    Fixed q = affine(3, false, new float[] {0.5f}, new int[] {4});
    float[] v = new float[1000];
    v[255] = -2f;
    assertEquals(Long.MAX_VALUE, QuantCodec.bytes(Encoding.SPARSE_QUANT, q, v));
    assertEquals(Encoding.QUANT, QuantCodec.encoding(q, v));
    assertThrows(IllegalArgumentException.class,
        () -> QuantCodec.encode(Encoding.SPARSE_QUANT, q, v));
    assertBitsEqual(v, QuantCodec.decode(Encoding.QUANT, QuantCodec.encode(Encoding.QUANT, q, v),
        v.length, WHERE));
    v[254] = 1f; // one position earlier the gap is 254: no ambiguity
    v[255] = 0f;
    v[256] = -2f;
    assertEquals(Encoding.SPARSE_QUANT, QuantCodec.encoding(q, v));
  }

  /** Every form and bit width on seeded random tensors, odd sizes, 0% to 100% zeros. */
  @Test
  void everyFormAndWidthRoundTripsBitForBit() {
    Random r = new Random(7);
    int cases = 0;
    for (int[] shape : new int[][] {{1, 1}, {3, 1}, {1, 17}, {3, 300}, {2, 1000}}) {
      int channels = shape[0];
      int n = shape[0] * shape[1];
      for (double density : new double[] {0, 0.01, 0.1, 0.5, 1}) {
        for (Fixed q : forms(r, channels)) {
          int[] codes = new int[n];
          float[] dense = new float[n];
          float[] sparse = new float[n];
          for (int i = 0; i < n; i++) {
            codes[i] = q.lo() + r.nextInt(q.hi() - q.lo() + 1);
            dense[i] = q.value(codes[i], i / shape[1]);
            sparse[i] = r.nextDouble() < density ? dense[i] : 0f;
          }
          String what = q + " density " + density + " shape " + Arrays.toString(shape);
          assertRoundTrip(Encoding.QUANT, q, dense, what);
          assertRoundTrip(Encoding.SPARSE_QUANT, q, sparse, what);
          if (q.form() == Form.AFFINE) { // +0.0f is the zero point's value: QUANT holds it
            assertRoundTrip(Encoding.QUANT, q, sparse, what);
          }
          cases++;
        }
      }
    }
    assertEquals(5 * 5 * (8 * 3 + 2), cases);
  }

  /** Affine signed, unsigned, and unsigned with zero points at 1..8 bits; sign; logic. */
  private static List<Fixed> forms(Random r, int channels) {
    List<Fixed> out = new java.util.ArrayList<>();
    for (int bits = 1; bits <= 8; bits++) {
      int[] zp = new int[channels];
      for (int c = 0; c < channels; c++) {
        zp[c] = r.nextInt(1 << bits);
      }
      out.add(affine(bits, bits > 1, scales(r, channels), new int[channels]));
      out.add(affine(bits, false, scales(r, channels), new int[channels]));
      out.add(affine(bits, false, scales(r, channels), zp));
    }
    out.add(new Fixed(Form.SIGN, 1, false, scales(r, channels), new int[channels],
        new float[channels]));
    float[] offset = scales(r, channels);
    offset[0] = -0f; // code 0 gives -0.0f: an entry
    out.add(new Fixed(Form.LOGIC, 1, false, scales(r, channels), new int[channels], offset));
    return out;
  }

  private static float[] scales(Random r, int channels) {
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = (float) Math.scalb(1 + r.nextDouble(), -r.nextInt(10));
    }
    return s;
  }

  private static void assertRoundTrip(Encoding e, Fixed q, float[] v, String what) {
    long size = QuantCodec.bytes(e, q, v);
    if (size == Long.MAX_VALUE) { // a real entry would read as a filler: no sparse payload
      assertEquals(Encoding.QUANT, QuantCodec.encoding(q, v), what);
      return;
    }
    byte[] b = QuantCodec.encode(e, q, v);
    assertEquals(size, b.length, e + " " + what);
    assertBitsEqual(v, QuantCodec.decode(e, b, v.length, WHERE));
  }

  private static void assertBitsEqual(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
          "element " + i + ": " + want[i] + " vs " + got[i]);
    }
  }

  @Test
  void damagedSparsePayloadsFailWithOneLineNamingTheTensor() {
    byte[] good = handPayload();
    for (int n = 0; n < good.length; n++) {
      assertFails(Arrays.copyOf(good, n), 600);
    }
    assertTrue(assertFails(good, 598).contains("past the tensor's 598 elements"));
    assertTrue(assertFails(good, 2).contains("7 entries, more than the tensor's 2 elements"));
    byte[] lying = good.clone();
    lying[16] = 8; // eight entries in the room of seven
    assertTrue(assertFails(lying, 600).contains("has 30 bytes, its header implies 31"));
    lying[16] = (byte) 0xe9; // 1001 entries
    lying[17] = 3;
    assertTrue(assertFails(lying, 600).contains("1001 entries, more than"));
    byte[] far = good.clone();
    far[20 + 6] = (byte) 200; // the last gap now reaches past element 599
    assertTrue(assertFails(far, 600).contains("sparse entry 6 lies at position 757"));
    // Form 3; 9-bit and 0-bit codes; zero-point flag 2; zero points with no room for them.
    for (int[] bad : new int[][] {{0, 3}, {1, 9}, {1, 0}, {3, 2}, {3, 1}}) { // offset, value
      byte[] b = good.clone();
      b[bad[0]] = (byte) bad[1];
      assertFails(b, 600);
    }
    byte[] channels = good.clone();
    channels[4] = 7;
    assertTrue(assertFails(channels, 600).contains("7 channels do not divide 600 values"));
    byte[] nan = good.clone();
    nan[10] = (byte) 0xc0; // the scale of channel 0 becomes 0x7fc00000, a NaN
    nan[11] = (byte) 0x7f;
    assertTrue(assertFails(nan, 600).contains("scale of channel 0 is not finite"));
  }

  /**
   * Decodes a damaged SPARSE_QUANT payload and returns the one-line message it fails with; its
   * header alone (which does not walk the gaps) is read or fails the same way.
   */
  private static String assertFails(byte[] payload, long elements) {
    try {
      QuantCodec.header(Encoding.SPARSE_QUANT, payload, elements, WHERE);
    } catch (InputException e) {
      assertOneLine(e);
    }
    return assertOneLine(assertThrows(InputException.class,
        () -> QuantCodec.decode(Encoding.SPARSE_QUANT, payload, elements, WHERE)));
  }

  private static String assertOneLine(InputException e) {
    String m = e.getMessage();
    assertTrue(m.startsWith(WHERE + ": ") && !m.contains("\n"), m);
    return m;
  }
}
