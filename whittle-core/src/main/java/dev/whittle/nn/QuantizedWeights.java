package dev.whittle.nn;

/**
 * A constraint whose projected weights are integer codes times a scale per output channel (the
 * first axis), possibly plus an offset per channel. Layers with an {@link InputQuantizer}
 * multiply the codes exactly; the file writer stores the codes packed.
 *
 * <p>The value of a code q in channel c is, in float32 arithmetic:
 *
 * <ul>
 *   <li>{@link Form#AFFINE}: {@code (q - zeroPoint[c]) * scale[c]}, q a {@link #bits()}-bit
 *       integer, signed (two's complement) or unsigned;
 *   <li>{@link Form#SIGN}: q is a bit; {@code q == 1 ? scale[c] : -scale[c]};
 *   <li>{@link Form#LOGIC}: q is a bit; {@code q == 1 ? offset[c] + scale[c] : offset[c]}.
 * </ul>
 */
public interface QuantizedWeights {
  enum Form {
    AFFINE,
    SIGN,
    LOGIC
  }

  Form form();

  /**
   * Whether the scales still follow the latent weights (training). The file then keeps the latent
   * floats, not the codes, so that a checkpoint resumes the training exactly.
   */
  default boolean tracking() {
    return false;
  }

  int bits();

  /** Whether AFFINE codes are two's complement. */
  boolean signedCodes();

  /** Per output channel; length {@link #channels()}. */
  float[] scale();

  /** Per output channel (AFFINE); all zero for a symmetric quantizer. */
  int[] zeroPoint();

  /** Per output channel (LOGIC). */
  float[] offset();

  int channels();

  /** The code of {@code value}, a projected weight of channel c. */
  int code(float value, int c);

  /**
   * The integer the layer multiplies by the input codes, whose real value is that integer times
   * {@code scale[c]}: {@code q - zp} for AFFINE, +-1 for SIGN. LOGIC weights have no such integer
   * (an offset is added); {@link #exact()} is false for them.
   */
  default int integer(float value, int c) {
    return switch (form()) {
      case AFFINE -> code(value, c) - zeroPoint()[c];
      case SIGN -> code(value, c) == 1 ? 1 : -1;
      case LOGIC -> throw new IllegalStateException("logic weights are not integers times a scale");
    };
  }

  /**
   * {@link #integer} of every value, channel by channel (the channels split {@code values} into
   * equal blocks), into {@code out}.
   */
  default void integers(float[] values, float[] out) {
    int channels = channels();
    int per = values.length / channels;
    int[] zp = zeroPoint();
    Form f = form();
    for (int c = 0; c < channels; c++) {
      for (int i = c * per; i < (c + 1) * per; i++) {
        out[i] = switch (f) {
          case AFFINE -> code(values[i], c) - zp[c];
          case SIGN -> code(values[i], c) == 1 ? 1 : -1;
          case LOGIC -> throw new IllegalStateException("logic weights are not integers times a scale");
        };
      }
    }
  }

  /** Whether every weight is an integer times its channel's scale. */
  default boolean exact() {
    return form() != Form.LOGIC;
  }
}
