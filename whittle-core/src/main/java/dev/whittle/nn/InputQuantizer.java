package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Quantizes the input of a {@link Dense} or {@link Conv2d} layer: the layer then multiplies
 * integer codes by integer weight codes (see {@link QuantizedWeights}) and scales the exact
 * integer sums, which is what its compiled integer kernel does too, so the compiled model
 * reproduces the simulated one bit for bit.
 *
 * <p>Each input value x becomes a code q (an integer) and the layer computes with {@code q - zp},
 * whose real value is {@code (q - zp) * scale}. The scale may differ per sample (dynamic
 * quantization measures each sample's range at run time).
 */
public interface InputQuantizer {
  /** The name it is saved under: {@code uniform}, {@code sign}. */
  String kind();

  /**
   * False while calibrating: the layer then runs in float and only shows its input to {@link
   * #observe}.
   */
  boolean active();

  /** Records the range of a calibration batch (only called while not {@link #active()}). */
  void observe(float[] x, int len);

  /**
   * Writes {@code q - zp} (as exact small integers in floats) for n rows of {@code rowLen} values
   * into {@code codes}, and each row's scale into {@code rowScale}.
   *
   * @param training true in a training step: a tracking quantizer updates its range first
   */
  void quantize(float[] x, int n, int rowLen, float[] codes, float[] rowScale, boolean training);

  /**
   * The straight-through estimator: the gradient passes unchanged where the input lay inside the
   * clipping range and is zeroed outside it (the quantizer's output does not depend on x there).
   */
  void gradient(float[] x, int n, int rowLen, float[] grad);

  /** Bits per code. */
  int bits();

  /** Settings as Long, Double or String values, saved in the layer's settings. */
  Map<String, Object> config();

  /** State saved with the layer (a calibrated range). */
  Map<String, Tensor> buffers();
}
