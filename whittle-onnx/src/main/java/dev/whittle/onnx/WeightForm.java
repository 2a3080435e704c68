package dev.whittle.onnx;

import dev.whittle.nn.Parameter;

/**
 * How a parameter becomes part of an exported graph: it adds initializers (and nodes, if the
 * stored form needs decoding) and returns the name of the value that holds the parameter as
 * float32, ready for the layer's operator to read.
 *
 * <p>{@link #DENSE_F32} stores the value the forward pass sees as a float32 initializer, so a
 * pruned weight keeps its zeros. {@link #QDQ} stores quantized weights as int8 codes with a
 * DequantizeLinear, {@link #GATHER} shared weights as uint8 indices into a codebook joined by
 * Gather; each falls back to {@link #DENSE_F32} for what it does not cover. {@link #STORED}
 * applies whichever of the two fits each parameter: the form closest to the {@code .wtl} file's.
 */
@FunctionalInterface
public interface WeightForm {
  /**
   * @param name the initializer name to use, such as {@code fc1.weight}
   * @return the value name holding the float32 parameter
   */
  String emit(ExportGraph graph, String name, Parameter p);

  WeightForm DENSE_F32 = (g, name, p) -> g.floats(name, p.value().shape(), p.value().data());

  /** Integer codes and a DequantizeLinear for exactly quantized weights; see {@link QdqWeights}. */
  WeightForm QDQ = QdqWeights::emit;

  /** Indices, a codebook and a Gather for shared weights; see {@link SharedGather}. */
  WeightForm GATHER = SharedGather::emit;

  /** {@link #GATHER} for shared weights, else {@link #QDQ}. */
  WeightForm STORED = (g, name, p) -> SharedGather.shared(p) != null ? GATHER.emit(g, name, p)
      : QDQ.emit(g, name, p);
}
