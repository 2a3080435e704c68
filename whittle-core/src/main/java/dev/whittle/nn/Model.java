package dev.whittle.nn;

import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A float32 model: its graph and its provenance (how it was made: command, seed, data set
 * checksum, training curves, metrics), saved together in a {@code .wtl} file.
 */
public final class Model {
  private Graph graph;
  private final Map<String, String> provenance = new LinkedHashMap<>();

  public Model(Graph graph) {
    this.graph = graph;
  }

  public Graph graph() {
    return graph;
  }

  /**
   * Takes over the graph (layers, weights, constraints, buffers) of {@code saved}, an earlier
   * state of this model read back from a checkpoint, so that everything holding this model sees
   * the restored state; the provenance stays this model's.
   */
  public void restoreInPlace(Model saved) {
    this.graph = saved.graph;
  }

  /** Insertion-ordered and mutable: commands add what they did. */
  public Map<String, String> provenance() {
    return provenance;
  }

  public Tensor forward(Tensor x, Context ctx) {
    return graph.forward(x, ctx);
  }

  public int[] inputShape() {
    return graph.inputShape();
  }

  /** The number of outputs (classes) per sample. */
  public int outputs() {
    int n = 1;
    for (int d : graph.outputShape()) {
      n *= d;
    }
    return n;
  }

  public long paramCount() {
    long n = 0;
    for (Parameter p : graph.parameters().values()) {
      n += p.size();
    }
    return n;
  }

  /** Parameters whose value (as the forward pass sees it) is not exactly zero. */
  public long nonZeroParams() {
    long n = 0;
    for (Parameter p : graph.parameters().values()) {
      for (float v : p.value().data()) {
        if (v != 0f) {
          n++;
        }
      }
    }
    return n;
  }
}
