package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One operation of a {@link Graph}. Tensors carry the batch as their first dimension; shapes
 * passed to {@link #outputShape} and {@link #macs} are per sample.
 *
 * <p>Life cycle: {@link #forward} keeps what {@link #backward} needs, so a layer instance serves
 * one training loop at a time; deployment runs a compiled plan instead. {@code backward} adds
 * parameter gradients to {@link Parameter#grad()} (the trainer zeroes them each step) and returns
 * the gradients of the inputs.
 */
public interface Layer {
  /** The name under which the layer is saved and created: {@code dense}, {@code conv2d}. */
  String kind();

  /** Checks the input shapes and returns the output shape, all per sample. */
  int[] outputShape(int[][] inputShapes);

  Tensor forward(Tensor[] inputs, Context ctx);

  /**
   * @param needInputGrad false when no input gradient is wanted (the layer reads the model's
   *     input), so it may skip computing it and return nulls
   */
  Tensor[] backward(Tensor gradOut, boolean needInputGrad);

  default List<Parameter> parameters() {
    return List.of();
  }

  /** Non-trained state saved with the model, such as BatchNorm's running statistics. */
  default Map<String, Tensor> buffers() {
    return Map.of();
  }

  /** Multiply-adds per sample. */
  default long macs(int[][] inputShapes) {
    return 0;
  }

  /** Settings as Long, Double, String, long[] or double[] values; {@link Layers} recreates it. */
  Map<String, Object> config();
}
