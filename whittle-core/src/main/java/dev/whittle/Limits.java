package dev.whittle;

/**
 * Ceilings on what an input may make Whittle allocate or recurse into, so that a hostile or
 * corrupt file ends in an {@link InputException} instead of an {@link OutOfMemoryError} or a
 * {@link StackOverflowError}. Readers check every size a file claims against the bytes that
 * remain in it; sizes that a file does not pay for byte by byte (a sparse tensor's trailing
 * zeros, a layer's weights, a constant an ONNX graph computes) are checked against these.
 */
public final class Limits {
  /** System property: the most bytes one tensor read or built from a file may take. */
  public static final String MAX_TENSOR_BYTES_PROPERTY = "whittle.maxTensorBytes";

  /** 512 MiB: 2^27 float32 values, more than the largest layer of VGG-16 (411 MB). */
  public static final long DEFAULT_MAX_TENSOR_BYTES = 1L << 29;

  /** A whole model's parameters may take this many times the tensor ceiling. */
  public static final int MODEL_TENSORS = 4;

  /**
   * The most nodes, and so the longest chain, of a graph read from a file. Graphs are walked
   * iteratively, never recursively; nested ONNX graphs are bounded by the protobuf parser's
   * recursion limit ({@code OnnxImporter.MAX_NESTING}).
   */
  public static final int MAX_GRAPH_NODES = 65_536;

  /** Checks a graph's node count against {@link #MAX_GRAPH_NODES}. */
  public static void checkGraph(String what, long nodes) {
    if (nodes > MAX_GRAPH_NODES) {
      throw new InputException(what + ": the graph has " + nodes + " nodes, more than the limit of "
          + MAX_GRAPH_NODES);
    }
  }

  private Limits() {}

  /**
   * The ceiling on one tensor's bytes: system property {@value #MAX_TENSOR_BYTES_PROPERTY}, else
   * {@link #DEFAULT_MAX_TENSOR_BYTES}.
   */
  public static long maxTensorBytes() {
    String v = System.getProperty(MAX_TENSOR_BYTES_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_TENSOR_BYTES;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new InputException("system property " + MAX_TENSOR_BYTES_PROPERTY
        + " must be a positive whole number of bytes, got '" + v + "'");
  }

  /**
   * Checks that a model's parameters, {@code values} float32 values in all, fit {@link
   * #MODEL_TENSORS} times the tensor ceiling.
   */
  public static void checkModel(long values) {
    long max = maxTensorBytes();
    if (values > max / Float.BYTES * MODEL_TENSORS) {
      throw new InputException("the model's layers declare " + values + " parameters, more than "
          + MODEL_TENSORS + " times the limit of " + max + " bytes per tensor (system property "
          + MAX_TENSOR_BYTES_PROPERTY + ")");
    }
  }

  /**
   * Checks that {@code elements} values of {@code bytesPerElement} bytes each fit the ceiling.
   *
   * @param what names the tensor in the message, for example {@code m.wtl: tensor 'fc1.weight'}
   * @throws InputException if they do not (or if {@code elements} is negative)
   */
  public static void checkTensor(String what, long elements, int bytesPerElement) {
    long max = maxTensorBytes();
    if (elements < 0 || elements > max / bytesPerElement) {
      throw new InputException(what + ": " + elements + " elements of " + bytesPerElement
          + " bytes is more than the limit of " + max + " bytes per tensor (system property "
          + MAX_TENSOR_BYTES_PROPERTY + ")");
    }
  }
}
