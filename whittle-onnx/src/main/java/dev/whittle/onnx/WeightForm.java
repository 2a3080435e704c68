package dev.whittle.onnx;

import dev.whittle.nn.Parameter;

/**
 * How a parameter becomes part of an exported graph: it adds initializers (and nodes, if the
 * stored form needs decoding) and returns the name of the value that holds the parameter as
 * float32, ready for the layer's operator to read.
 *
 * <p>{@link #DENSE_F32} stores the value the forward pass sees as a float32 initializer, so a
 * pruned weight keeps its zeros. Quantized weights (int8 initializers with a DequantizeLinear)
 * and shared weights (indices and a codebook joined by Gather) are further forms; a form may
 * fall back to another for parameters it does not handle.
 */
@FunctionalInterface
public interface WeightForm {
  /**
   * @param name the initializer name to use, such as {@code fc1.weight}
   * @return the value name holding the float32 parameter
   */
  String emit(ExportGraph graph, String name, Parameter p);

  WeightForm DENSE_F32 = (g, name, p) -> g.floats(name, p.value().shape(), p.value().data());
}
