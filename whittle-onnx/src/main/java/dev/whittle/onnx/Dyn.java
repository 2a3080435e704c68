package dev.whittle.onnx;

/**
 * An activation during import: the output of a Whittle node ({@link #src}, or the model input)
 * seen through what has not been turned into a layer yet: a different per-sample shape (a
 * reshape is only a view), a permutation of its elements (a Transpose, to be folded into the next
 * Dense), and a per-element affine map {@code x * scale + shift} (constant Add, Sub, Mul and Div,
 * to be folded into the neighbouring weighted layer).
 */
final class Dyn implements Value {
  /** The Whittle node whose output this is, or {@link dev.whittle.nn.Graph#INPUT}. */
  final String src;
  /** The per-sample shape the ONNX graph sees. */
  final int[] shape;
  /** Null, or for each element of {@link #shape} (row-major) the element of src it is. */
  final int[] perm;
  /** Null, or per element of {@link #shape}: the value is {@code src * scale + shift}. */
  final float[] scale;
  final float[] shift;
  /**
   * The weighted node (Dense, Conv2d or BatchNorm) whose plain output this is, when nothing
   * else reads that output: a constant affine op can then fold into its weights. Else null.
   */
  final LNode linear;
  /**
   * Null, or the quantizer of a QDQ pair (or Whittle's sign and dynamic quantizers) that this
   * value passed through, for the Dense or Conv2d that reads it ({@link ActivationQuant}).
   */
  final ActivationQuant.Pending quant;

  Dyn(String src, int[] shape, int[] perm, float[] scale, float[] shift, LNode linear) {
    this(src, shape, perm, scale, shift, linear, null);
  }

  Dyn(String src, int[] shape, int[] perm, float[] scale, float[] shift, LNode linear,
      ActivationQuant.Pending quant) {
    this.src = src;
    this.shape = shape.clone();
    this.perm = perm;
    this.scale = scale;
    this.shift = shift;
    this.linear = linear;
    this.quant = quant;
  }

  static Dyn of(LNode n) {
    return new Dyn(n.name, n.out, null, null, null, n.isLinear() ? n : null);
  }

  boolean hasAffine() {
    return scale != null;
  }

  int size() {
    return Dims.size(shape);
  }
}
