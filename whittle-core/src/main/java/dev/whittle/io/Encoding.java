package dev.whittle.io;

import dev.whittle.InputException;

/**
 * How a tensor's payload bytes encode its values. Each constant has a stable numeric tag stored in
 * the file (u16); tags are never reused or renumbered. Fixed-size encodings know their payload
 * size from the shape; a variable-length encoding (a later packed format: CSR, INT8 with scales,
 * codebook, 1-bit) returns -1 from {@link #expectedBytes} and its payload describes itself.
 */
public enum Encoding {
  /** IEEE 754 float32, little-endian, row-major: 4 bytes per element. */
  F32(0, 4),
  /** int32 two's complement, little-endian, row-major (index tensors): 4 bytes per element. */
  I32(1, 4),
  /** Raw bytes, one per element. */
  U8(2, 1),
  /**
   * A sparse float32 tensor in Deep Compression's relative-index form (Han et al. 2016, section
   * 2): u32 entry count E, then E one-byte gaps, then E float32 values. Each entry lies gap + 1
   * positions after the previous one (the first at position gap); a gap longer than 255 is
   * bridged by a filler entry whose value is zero. See {@link SparseCodec}.
   */
  SPARSE_F32(3, -1),
  /**
   * Quantized weights: integer codes packed at 1 to 8 bits, with a scale (and a zero point or an
   * offset) per output channel. See {@link QuantCodec}.
   */
  QUANT(4, -1),
  /**
   * Shared weights (Deep Compression): the positions of the non-zero weights as relative gaps
   * and their b-bit indices into k float32 centroids, each stream Huffman-coded, deflated or
   * packed, whichever is smallest. See {@link CodebookCodec}.
   */
  CODEBOOK(5, -1),
  /**
   * Quantized weights that are mostly zeros (pruned): QUANT's header, then the positions of the
   * elements that are not +0.0f as in SPARSE_F32 (u32 entry count E, E one-byte gaps, fillers),
   * then E codes packed as QUANT packs them. A filler (gap 255, code 0) and every element without
   * an entry is +0.0f. See {@link QuantCodec}.
   */
  SPARSE_QUANT(6, -1);

  // Tags 7 and up are reserved for later encodings; add constants, never renumber.

  private final int tag;
  private final int bytesPerElement;

  Encoding(int tag, int bytesPerElement) {
    this.tag = tag;
    this.bytesPerElement = bytesPerElement;
  }

  /** The number stored in the file for this encoding (0..65535). */
  public int tag() {
    return tag;
  }

  /** Whether the payload size follows from the shape alone. */
  public boolean fixedSize() {
    return bytesPerElement >= 0;
  }

  /**
   * The payload size in bytes this encoding needs for {@code shape}; -1 when variable-length (the
   * payload is then self-describing); {@link Long#MAX_VALUE} when the size does not fit in a long.
   *
   * @throws IllegalArgumentException if a dimension is negative
   */
  public long expectedBytes(int[] shape) {
    long elements = 1;
    boolean overflow = false;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d + " in the shape");
      }
      if (d == 0) {
        elements = 0;
        overflow = false;
        break;
      }
      if (!overflow) {
        long hi = Math.multiplyHigh(elements, d);
        elements *= d;
        overflow = hi != 0 || elements < 0;
      }
    }
    if (bytesPerElement < 0) {
      return -1;
    }
    if (overflow) {
      return Long.MAX_VALUE;
    }
    if (elements > Long.MAX_VALUE / bytesPerElement) {
      return Long.MAX_VALUE;
    }
    return elements * bytesPerElement;
  }

  /**
   * The encoding stored under {@code tag}.
   *
   * @param where the start of the error message, for example {@code model.wtl: tensor 'fc1.w'}
   * @throws InputException if no encoding has that tag
   */
  public static Encoding fromTag(int tag, String where) {
    for (Encoding e : values()) {
      if (e.tag == tag) {
        return e;
      }
    }
    throw new InputException(
        where + ": unknown tensor encoding tag " + tag + " (written by a newer Whittle?)");
  }
}
