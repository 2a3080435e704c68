package dev.whittle.onnx;

/**
 * A problem with one node, raised where the node's context is not at hand; the importer adds
 * the file and node names and turns it into an {@link dev.whittle.InputException}.
 */
final class OpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OpError(String message) {
    super(message, null, false, false);
  }
}
