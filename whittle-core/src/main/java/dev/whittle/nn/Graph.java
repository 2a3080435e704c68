package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directed acyclic graph of layers, kept in topological order. The model's input is named
 * {@value #INPUT}; the last node is the output. Construction checks names, references and
 * shapes, so a graph that exists can run.
 */
public final class Graph {
  public static final String INPUT = "input";

  /** One layer with the names of the nodes it reads. */
  public record Node(String name, Layer layer, List<String> inputs) {
    public Node {
      inputs = List.copyOf(inputs);
    }
  }

  private final int[] inputShape; // per sample
  private final List<Node> nodes;
  private final int[][] inputIndex; // per node: indices of its inputs, -1 for the model input
  private final int[][] shapes; // per node: output shape per sample
  private final boolean[] trained; // per node: a parameter at or before it
  private Tensor[] activations;

  public Graph(int[] inputShape, List<Node> nodes) {
    if (nodes.isEmpty()) {
      throw new InputException("a model needs at least one layer");
    }
    this.inputShape = inputShape.clone();
    this.nodes = List.copyOf(nodes);
    this.inputIndex = new int[nodes.size()][];
    this.shapes = new int[nodes.size()][];
    this.trained = new boolean[nodes.size()];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      if (node.name().isEmpty() || node.name().equals(INPUT) || index.containsKey(node.name())) {
        throw new InputException("layer name '" + node.name() + "' is empty, reserved or used twice");
      }
      if (node.inputs().isEmpty()) {
        throw new InputException("layer '" + node.name() + "' reads no input");
      }
      int[] idx = new int[node.inputs().size()];
      int[][] inShapes = new int[idx.length][];
      for (int k = 0; k < idx.length; k++) {
        String src = node.inputs().get(k);
        if (src.equals(INPUT)) {
          idx[k] = -1;
          inShapes[k] = this.inputShape;
        } else {
          Integer j = index.get(src);
          if (j == null) {
            throw new InputException("layer '" + node.name() + "' reads '" + src
                + "', which is not an earlier layer (unknown name or a cycle)");
          }
          idx[k] = j;
          inShapes[k] = shapes[j];
        }
      }
      inputIndex[i] = idx;
      trained[i] = !node.layer().parameters().isEmpty();
      for (int j : idx) {
        trained[i] |= j >= 0 && trained[j];
      }
      try {
        shapes[i] = node.layer().outputShape(inShapes);
      } catch (InputException e) {
        throw new InputException("layer '" + node.name() + "': " + e.getMessage(), e);
      }
      index.put(node.name(), i);
    }
  }

  /** A chain: each layer reads the one before it. */
  public static Graph sequential(int[] inputShape, Map<String, Layer> layers) {
    List<Node> nodes = new ArrayList<>();
    String prev = INPUT;
    for (Map.Entry<String, Layer> e : layers.entrySet()) {
      nodes.add(new Node(e.getKey(), e.getValue(), List.of(prev)));
      prev = e.getKey();
    }
    return new Graph(inputShape, nodes);
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  public int[] outputShape() {
    return shapes[shapes.length - 1].clone();
  }

  public int[] outputShape(int node) {
    return shapes[node].clone();
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** Per sample shapes of a node's inputs. */
  public int[][] inputShapes(int node) {
    int[] idx = inputIndex[node];
    int[][] s = new int[idx.length][];
    for (int k = 0; k < idx.length; k++) {
      s[k] = idx[k] < 0 ? inputShape.clone() : shapes[idx[k]].clone();
    }
    return s;
  }

  /**
   * Runs every layer. The returned tensor is owned by the last layer and is overwritten by the
   * next forward pass: read or copy it first.
   */
  public Tensor forward(Tensor x, Context ctx) {
    int[] expect = Shapes.batched(x.dim(0), inputShape);
    if (x.size() != Shapes.size(expect)) {
      throw new InputException("model expects input " + Shapes.format(inputShape)
          + " per sample, got " + Shapes.format(Shapes.sample(x.shape())));
    }
    if (!Arrays.equals(x.shape(), expect)) {
      x = x.reshape(expect);
    }
    activations = new Tensor[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      int[] idx = inputIndex[i];
      Tensor[] in = new Tensor[idx.length];
      for (int k = 0; k < idx.length; k++) {
        in[k] = idx[k] < 0 ? x : activations[idx[k]];
      }
      Context c = ctx.training() ? new Context(true, dev.whittle.tensor.Rng.derive(ctx.seed(), i)) : ctx;
      activations[i] = nodes.get(i).layer().forward(in, c);
    }
    return activations[nodes.size() - 1];
  }

  /**
   * Back-propagates from the output, adding every parameter's gradient. A layer computes its
   * input gradient only when a parameter lies at or before that input: lenet300's first dense
   * layer reads the image through a flatten, and its input gradient would be a 64 x 784 x 300
   * GEMM per batch thrown away.
   */
  public void backward(Tensor gradOutput) {
    int n = nodes.size();
    Tensor[] grads = new Tensor[n];
    boolean[] owned = new boolean[n];
    grads[n - 1] = gradOutput;
    for (int i = n - 1; i >= 0; i--) {
      if (grads[i] == null) {
        continue;
      }
      int[] idx = inputIndex[i];
      boolean need = false;
      for (int j : idx) {
        need |= j >= 0 && trained[j];
      }
      Tensor[] g = nodes.get(i).layer().backward(grads[i], need);
      for (int k = 0; k < idx.length; k++) {
        int j = idx[k];
        if (j < 0 || g[k] == null) {
          continue;
        }
        if (grads[j] == null) {
          grads[j] = g[k];
        } else {
          // Fan-out: the node feeds several layers; sum into a tensor this pass owns.
          if (!owned[j]) {
            grads[j] = grads[j].copy();
            owned[j] = true;
          }
          float[] acc = grads[j].data();
          float[] add = g[k].data();
          for (int e = 0; e < acc.length; e++) {
            acc[e] += add[e];
          }
        }
      }
    }
  }

  /** Every parameter, by full name ({@code node.parameter}), in node order. */
  public Map<String, Parameter> parameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (Node node : nodes) {
      for (Parameter p : node.layer().parameters()) {
        m.put(node.name() + "." + p.name(), p);
      }
    }
    return m;
  }

  /** Every buffer, by full name ({@code node.buffer}). */
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Node node : nodes) {
      for (Map.Entry<String, Tensor> b : node.layer().buffers().entrySet()) {
        m.put(node.name() + "." + b.getKey(), b.getValue());
      }
    }
    return m;
  }

  /** Multiply-adds per sample of every layer, dense. */
  public long macs() {
    long total = 0;
    for (int i = 0; i < nodes.size(); i++) {
      total += nodes.get(i).layer().macs(inputShapes(i));
    }
    return total;
  }
}
