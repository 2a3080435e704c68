package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.ConstraintFactory;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Layers;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.SharedWeights;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link Model} to the neutral {@link WtlModel} and back. The graph is stored as nodes, the
 * first of kind {@code input} carrying the per-sample input shape; parameters and buffers are
 * tensors named {@code node.name}; training state (checkpoints) goes in the state section.
 */
public final class ModelFile {
  private ModelFile() {}

  /** A model with the training state a checkpoint adds (empty for a plain model file). */
  public record Loaded(Model model, Map<String, Tensor> state) {}

  public static void save(Model model, Path out) {
    save(model, Map.of(), out);
  }

  public static void save(Model model, Map<String, Tensor> state, Path out) {
    WtlWriter.write(toRecord(model, state), out);
  }

  public static Model load(Path in) {
    return loadWithState(in).model();
  }

  public static Loaded loadWithState(Path in) {
    return fromRecord(WtlReader.read(in), in.getFileName().toString());
  }

  /** The model's {@code .wtl} bytes (without training state): a snapshot to go back to. */
  public static byte[] toBytes(Model model) {
    return WtlWriter.toBytes(toRecord(model, Map.of()));
  }

  /** A model read back from {@link #toBytes}. */
  public static Model fromBytes(byte[] bytes) {
    return fromRecord(WtlReader.fromBytes(bytes, "snapshot"), "snapshot").model();
  }

  public static WtlModel toRecord(Model model, Map<String, Tensor> state) {
    Graph g = model.graph();
    List<NodeRecord> nodes = new ArrayList<>();
    nodes.add(new NodeRecord(Graph.INPUT, "input", List.of(),
        Attrs.builder().put("shape", g.inputShape()).build()));
    List<TensorRecord> tensors = new ArrayList<>();
    List<ConstraintRecord> constraints = new ArrayList<>();
    for (Graph.Node node : g.nodes()) {
      nodes.add(new NodeRecord(node.name(), node.layer().kind(), node.inputs(),
          attrs(node.layer().config())));
      for (Parameter p : node.layer().parameters()) {
        String name = node.name() + "." + p.name();
        tensors.add(compact(name, p));
        for (Constraint c : p.constraints()) {
          List<TensorRecord> owned = new ArrayList<>();
          c.tensors().forEach((k, t) -> owned.add(f32(k, t)));
          constraints.add(new ConstraintRecord(name, c.kind(), attrs(c.config()), owned));
        }
      }
      node.layer().buffers().forEach((k, t) -> tensors.add(f32(node.name() + "." + k, t)));
    }
    List<TensorRecord> st = new ArrayList<>();
    state.forEach((k, t) -> st.add(f32(k, t)));
    return new WtlModel(nodes, tensors, constraints, st, model.provenance());
  }

  public static Loaded fromRecord(WtlModel w, String file) {
    List<NodeRecord> records = w.nodes();
    if (records.isEmpty() || !records.get(0).kind().equals("input")) {
      throw new InputException(file + ": the graph does not start with its input node");
    }
    int[] inputShape = records.get(0).attrs().at(file + ": node 'input'").getInts("shape");
    if (inputShape.length == 0 || inputShape.length > 3 || Shapes.size(inputShape) > (1 << 24)) {
      throw new InputException(file + ": input shape " + Arrays.toString(inputShape)
          + " is not a sample shape of rank 1 to 3");
    }
    Limits.checkGraph(file, records.size() - 1);
    List<Graph.Node> nodes = new ArrayList<>();
    long total = 0;
    for (NodeRecord r : records.subList(1, records.size())) {
      Layer layer;
      try {
        // Settings alone decide a layer's size: check it before the layer allocates it.
        long count = Layers.parameterCount(r.kind(), config(r.attrs()));
        Limits.checkTensor("its parameters", count, Float.BYTES);
        total = Math.addExact(total, count);
        Limits.checkModel(total);
        layer = Layers.create(r.kind(), config(r.attrs()));
      } catch (InputException e) {
        throw new InputException(file + ": node '" + r.name() + "': " + e.getMessage(), e);
      }
      nodes.add(new Graph.Node(r.name(), layer, r.inputs()));
    }
    Graph graph;
    try {
      graph = new Graph(inputShape, nodes);
    } catch (InputException e) {
      throw new InputException(file + ": " + e.getMessage(), e);
    }
    Model model = new Model(graph);
    model.provenance().putAll(w.provenance());
    Map<String, TensorRecord> byName = new LinkedHashMap<>();
    Map<String, TensorRecord> quantized = new LinkedHashMap<>();
    Map<String, TensorRecord> shared = new LinkedHashMap<>();
    for (TensorRecord t : w.tensors()) {
      byName.put(t.name(), t);
      if (t.encoding() == Encoding.QUANT || t.encoding() == Encoding.SPARSE_QUANT) {
        quantized.put(t.name(), t);
      } else if (t.encoding() == Encoding.CODEBOOK) {
        shared.put(t.name(), t);
      }
    }
    graph.parameters().forEach((name, p) -> load(file, byName, name, p.latent()));
    graph.buffers().forEach((name, t) -> load(file, byName, name, t));
    if (!byName.isEmpty()) {
      throw new InputException(file + ": tensor '" + byName.keySet().iterator().next()
          + "' belongs to no layer");
    }
    Map<String, Parameter> params = graph.parameters();
    for (ConstraintRecord c : w.constraints()) {
      Parameter p = params.get(c.parameter());
      if (p == null) {
        throw new InputException(file + ": constraint '" + c.kind() + "' names parameter '"
            + c.parameter() + "', which the model does not have");
      }
      ConstraintFactory f = ConstraintFactory.forKind(c.kind());
      if (f == null) {
        throw new InputException(file + ": parameter '" + c.parameter()
            + "' has a constraint of unknown kind '" + c.kind() + "' (written by a newer Whittle?)");
      }
      Map<String, Tensor> owned = new LinkedHashMap<>();
      TensorRecord weights = quantized.get(c.parameter());
      if (weights != null) {
        // A quantized weight's encoding holds its per-channel numbers; its constraint reads them.
        QuantCodec.Header h = QuantCodec.header(weights.encoding(), weights.payload(),
            weights.elements(), file + ": tensor '" + weights.name() + "'");
        int[] shape = {h.scale().length};
        float[] zp = new float[shape[0]];
        for (int i = 0; i < zp.length; i++) {
          zp[i] = h.zeroPoint()[i];
        }
        owned.put("scale", new Tensor(shape, h.scale()));
        owned.put("zero_point", new Tensor(shape, zp));
        owned.put("offset", new Tensor(shape, h.offset()));
      }
      TensorRecord sw = shared.get(c.parameter());
      if (sw != null) {
        // A shared weight's encoding holds its centroids and indices; its codebook reads them.
        CodebookCodec.Decoded d = CodebookCodec.decode(sw.payload(), sw.elements(),
            file + ": tensor '" + sw.name() + "'");
        float[] clusters = new float[d.clusters().length];
        for (int i = 0; i < clusters.length; i++) {
          clusters[i] = d.clusters()[i];
        }
        owned.put("centroids", new Tensor(new int[] {d.centroids().length}, d.centroids()));
        owned.put("clusters", new Tensor(sw.shape(), clusters));
      }
      for (TensorRecord t : c.tensors()) {
        owned.put(t.name(), tensor(file, t));
      }
      try {
        p.addConstraint(f.create(c.kind(), config(c.attrs()), owned, p.latent()));
      } catch (InputException e) {
        throw new InputException(file + ": constraint '" + c.kind() + "' on '" + c.parameter()
            + "': " + e.getMessage(), e);
      }
    }
    for (Parameter p : params.values()) {
      p.refresh();
    }
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (TensorRecord t : w.state()) {
      state.put(t.name(), tensor(file, t));
    }
    return new Loaded(model, state);
  }

  private static void load(String file, Map<String, TensorRecord> byName, String name, Tensor into) {
    TensorRecord t = byName.remove(name);
    if (t == null) {
      throw new InputException(file + ": tensor '" + name + "' is missing");
    }
    if (!Arrays.equals(t.shape(), into.shape())) {
      throw new InputException(file + ": tensor '" + name + "' has shape "
          + Shapes.format(t.shape()) + ", its layer expects " + Shapes.format(into.shape()));
    }
    into.copyFrom(tensor(file, t));
  }

  private static Tensor tensor(String file, TensorRecord t) {
    return switch (t.encoding()) {
      case F32 -> new Tensor(t.shape(), t.toFloats());
      case SPARSE_F32 -> new Tensor(t.shape(),
          SparseCodec.decode(t.payload(), t.elements(), file + ": tensor '" + t.name() + "'"));
      case QUANT, SPARSE_QUANT -> new Tensor(t.shape(), QuantCodec.decode(t.encoding(),
          t.payload(), t.elements(), file + ": tensor '" + t.name() + "'"));
      case CODEBOOK -> new Tensor(t.shape(), CodebookCodec.decode(t.payload(), t.elements(),
          file + ": tensor '" + t.name() + "'").values());
      default -> throw new InputException(file + ": tensor '" + t.name() + "' has encoding "
          + t.encoding() + ", which a float parameter cannot have");
    };
  }

  /**
   * A parameter in its stored encoding: packed codes when quantized, entropy-coded indices when
   * shared, else float32; packed codes and float32 each dense or sparse, whichever is smaller.
   */
  private static TensorRecord compact(String name, Parameter p) {
    Tensor t = p.latent();
    QuantizedWeights q = quantized(p);
    if (q != null) {
      Encoding e = storedEncoding(p);
      return new TensorRecord(name, e, t.shape(), QuantCodec.encode(e, q, p.value().data()));
    }
    SharedWeights s = shared(p);
    if (s != null) {
      return new TensorRecord(name, Encoding.CODEBOOK, t.shape(), CodebookCodec.encode(s));
    }
    if (storedEncoding(p) == Encoding.SPARSE_F32) {
      return new TensorRecord(name, Encoding.SPARSE_F32, t.shape(), SparseCodec.encode(t.data()));
    }
    return f32(name, t);
  }

  /**
   * The quantized-weights constraint of a parameter whose codes are final, or null. While its
   * scales still track the weights (a checkpoint during training) the latent floats are stored.
   */
  private static QuantizedWeights quantized(Parameter p) {
    QuantizedWeights q = p.constraint(QuantizedWeights.class);
    return q == null || q.tracking() ? null : q;
  }

  /** The codebook constraint on a parameter, or null. */
  public static SharedWeights shared(Parameter p) {
    return p.constraint(SharedWeights.class);
  }

  /** The encoding a parameter is saved in. */
  public static Encoding storedEncoding(Parameter p) {
    QuantizedWeights q = quantized(p);
    if (q != null) {
      return QuantCodec.encoding(q, p.value().data());
    }
    if (shared(p) != null) {
      return Encoding.CODEBOOK;
    }
    float[] v = p.latent().data();
    return SparseCodec.bytes(v) < 4L * v.length ? Encoding.SPARSE_F32 : Encoding.F32;
  }

  /** The payload bytes a parameter takes in the file. */
  public static long storedBytes(Parameter p) {
    float[] v = p.latent().data();
    Encoding e = storedEncoding(p);
    return switch (e) {
      case QUANT, SPARSE_QUANT -> QuantCodec.bytes(e, quantized(p), p.value().data());
      case CODEBOOK -> CodebookCodec.encode(shared(p)).length;
      case SPARSE_F32 -> SparseCodec.bytes(v);
      default -> 4L * v.length;
    };
  }

  private static TensorRecord f32(String name, Tensor t) {
    return TensorRecord.f32(name, t.shape(), t.data());
  }

  static Attrs attrs(Map<String, Object> config) {
    Attrs.Builder b = Attrs.builder();
    config.forEach((k, v) -> {
      switch (v) {
        case Long l -> b.put(k, l);
        case Double d -> b.put(k, d);
        case String s -> b.put(k, s);
        case long[] a -> b.put(k, a);
        case double[] a -> b.put(k, a);
        default -> throw new IllegalArgumentException("setting '" + k + "' has type " + v.getClass());
      }
    });
    return b.build();
  }

  static Map<String, Object> config(Attrs attrs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : attrs.keys()) {
      m.put(k, attrs.get(k));
    }
    return m;
  }
}
