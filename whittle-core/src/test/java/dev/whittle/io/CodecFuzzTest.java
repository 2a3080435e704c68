package dev.whittle.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import java.util.Arrays;

/**
 * Fuzzes the tensor codecs directly, which reaches their corners faster than through a whole
 * file: {@link SparseCodec}, {@link QuantCodec} (dense and sparse) and {@link CodebookCodec}
 * (with {@link Huffman} and {@link BitReader}). Input: one byte choosing the codec (0 sparse,
 * 1 quant, 2 codebook, 3 sparse quant, modulo 4), the tensor's element count (u32,
 * little-endian), then the payload. Seeds: the payloads of the {@link WtlFuzzTest} seed models
 * and {@link QuantCodecTest}'s hand-made sparse payload with fillers.
 */
class CodecFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void codecs(byte[] input) {
    ReaderFuzz.check(input, CodecFuzzTest::decode);
  }

  static Object decode(byte[] in) {
    if (in.length < 5) {
      return null;
    }
    long elements = (in[1] & 0xffL) | (in[2] & 0xffL) << 8 | (in[3] & 0xffL) << 16
        | (in[4] & 0xffL) << 24;
    byte[] payload = Arrays.copyOfRange(in, 5, in.length);
    String where = "fuzz.wtl: tensor 'w'";
    return switch ((in[0] & 0xff) % 4) {
      case 0 -> SparseCodec.decode(payload, elements, where);
      case 1 -> quant(Encoding.QUANT, payload, elements, where);
      case 2 -> CodebookCodec.decode(payload, elements, where);
      default -> quant(Encoding.SPARSE_QUANT, payload, elements, where);
    };
  }

  private static float[] quant(Encoding e, byte[] payload, long elements, String where) {
    QuantCodec.header(e, payload, elements, where);
    return QuantCodec.decode(e, payload, elements, where);
  }
}
