package dev.whittle.plan;

import dev.whittle.kernel.BitPack;
import dev.whittle.kernel.Int8Gemm;

/**
 * Signed integer weight codes (out, k), packed at their bit width for {@link Int8Gemm} (8-bit
 * codes in bytes, 3 and 4 bits in nibbles, 2 bits in 2-bit fields), with a zero point and a code
 * sum per row; and the product of unsigned byte input codes with them: {@code acc[i * csRow + j *
 * csCol] = sum_p (a[i * lda + p] & 0xFF) * code[j][p]}, exact in int32.
 */
final class IntWeights extends IntMatrix {
  private final Int8Gemm.Packed packed;

  IntWeights(int[] codes, int[] zeroPoints, int out, int k, int bits) {
    this(pack(codes, out, k, bits), zeroPoints, k, bits);
  }

  private IntWeights(Int8Gemm.Packed packed, int[] zeroPoints, int k, int bits) {
    super(k, bits, zeroPoints, packed.rowSums()); // the packed form hands out copies: keep one
    this.packed = packed;
  }

  private static Int8Gemm.Packed pack(int[] codes, int out, int k, int bits) {
    byte[] b = new byte[out * k];
    for (int i = 0; i < b.length; i++) {
      int v = codes[i];
      if (v < -128 || v > 127) {
        throw new IllegalArgumentException("weight code " + v + " does not fit in 8 bits");
      }
      b[i] = (byte) v;
    }
    return bits >= 8 ? Int8Gemm.pack(b, out, k)
        : Int8Gemm.pack(BitPack.pack(b, Math.max(2, bits)), Math.max(2, bits), out, k);
  }

  /** The product over m input rows (threads split it when it is large enough). */
  void multiply(int m, byte[] a, int lda, int[] acc, int csRow, int csCol) {
    Int8Gemm.gemm(m, a, 0, lda, packed, acc, 0, csRow, csCol);
  }

  @Override
  void multiply(int m, byte[] a, int lda, int[] aSum, int[] acc, int csRow, int csCol) {
    multiply(m, a, lda, acc, csRow, csCol);
  }

  @Override
  long macs() {
    return (long) rowSums().length * k();
  }

  long bytes() {
    return packed.bytes();
  }

  @Override
  String describe() {
    return "int" + bits();
  }
}
