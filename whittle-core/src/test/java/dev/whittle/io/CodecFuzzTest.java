package dev.whittle.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import java.util.Arrays;

/**
 * Fuzzes the tensor codecs directly, which reaches their corners faster than through a whole
 * file: {@link SparseCodec}, {@link QuantCodec} and {@link CodebookCodec} (with {@link Huffman}
 * and {@link BitReader}). Input: one byte choosing the codec (0 sparse, 1 quant, 2 codebook,
 * modulo 3), the tensor's element count (u32, little-endian), then the payload. Seeds: the
 * payloads of the {@link WtlFuzzTest} seed models.
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
    return switch ((in[0] & 0xff) % 3) {
      case 0 -> SparseCodec.decode(payload, elements, where);
      case 1 -> {
        QuantCodec.header(payload, elements, where);
        yield QuantCodec.decode(payload, elements, where);
      }
      default -> CodebookCodec.decode(payload, elements, where);
    };
  }
}
