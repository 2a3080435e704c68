package dev.whittle.onnx;

import static dev.whittle.onnx.ExportGraph.attr;
import static dev.whittle.onnx.ExportGraph.ints;

import dev.whittle.InputException;
import dev.whittle.io.AtomicFile;
import dev.whittle.nn.Activation;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Pool2d;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.OperatorSetIdProto;
import dev.whittle.onnx.proto.Onnx.StringStringEntryProto;
import dev.whittle.onnx.proto.Onnx.TensorShapeProto;
import dev.whittle.onnx.proto.Onnx.TypeProto;
import dev.whittle.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Whittle model as an ONNX model (opset {@value #OPSET}) that ONNX Runtime runs.
 *
 * <p>The graph input is {@code input} with a dynamic batch dimension {@code N}, the output is
 * {@code output}; every node is named after its Whittle layer and its output value too, and
 * parameters are initializers named {@code layer.parameter} ({@code fc1.weight}, {@code
 * bn1.gamma}). Dense becomes Gemm with transB=1, Conv2d Conv, pooling MaxPool or AveragePool,
 * BatchNorm BatchNormalization, the activations Relu, LeakyRelu, Tanh and Sigmoid, Softmax
 * Softmax, Flatten Flatten, Add Add (Sum for more than two inputs); Dropout is left out.
 *
 * <p>Each layer kind has a {@link LayerWriter} and each parameter goes through a {@link
 * WeightForm}; both can be replaced, which is how other encodings (shared weights joined by
 * Gather) plug in. Unquantized weights are the float32 values the forward pass sees, so pruned
 * weights are dense initializers with their zeros.
 *
 * <p>Quantized models come out in QDQ form with no setting: weights with exact integer codes
 * become int8 initializers with a DequantizeLinear ({@link WeightForm#QDQ}), and a Dense or
 * Conv2d whose input is quantized gets the matching QuantizeLinear and DequantizeLinear (or, for
 * dynamic and binary inputs, their element-wise equivalents) in front of its Gemm or Conv ({@link
 * QdqInputs}). The ONNX operators then compute Whittle's integer codes; the outputs differ from
 * the compiled plan's by float rounding (see {@link QdqInputs} for what that does at code
 * boundaries, and for ONNX Runtime's integer fusions).
 */
public final class OnnxExporter {
  public static final int OPSET = 17;
  public static final int IR_VERSION = 8;
  /** Model provenance is written as metadata with keys starting with this. */
  public static final String META_PREFIX = "whittle.";

  /** Writes one layer: nodes that read {@code inputs} and write the value {@code output}. */
  @FunctionalInterface
  public interface LayerWriter {
    void write(Context c);
  }

  /** What a {@link LayerWriter} gets. */
  public record Context(ExportGraph graph, WeightForm weights, Graph.Node node,
      List<String> inputs, int[][] inputShapes, int[] outputShape, String output) {
    public String name() {
      return node.name();
    }

    /** The parameter's value through the weight form, as {@code layer.parameter}. */
    public String weight(dev.whittle.nn.Parameter p) {
      return weights.emit(graph, node.name() + "." + p.name(), p);
    }

    /** A float32 buffer (running statistics) as {@code layer.buffer}. */
    public String buffer(String key, dev.whittle.tensor.Tensor t) {
      return graph.floats(node.name() + "." + key, t.shape(), t.data());
    }
  }

  private final Map<String, LayerWriter> writers;
  private final WeightForm weights;

  private OnnxExporter(Map<String, LayerWriter> writers, WeightForm weights) {
    this.writers = Map.copyOf(writers);
    this.weights = weights;
  }

  /**
   * Export of every built-in layer kind, quantized layers in QDQ form and shared ones as a
   * codebook and indices joined by Gather ({@link WeightForm#STORED}).
   */
  public static OnnxExporter standard() {
    Map<String, LayerWriter> w = new LinkedHashMap<>();
    w.put("dense", OnnxExporter::dense);
    w.put("conv2d", OnnxExporter::conv);
    w.put("maxpool2d", OnnxExporter::pool);
    w.put("avgpool2d", OnnxExporter::pool);
    w.put("batchnorm", OnnxExporter::batchNorm);
    for (String k : List.of("relu", "leaky_relu", "tanh", "sigmoid")) {
      w.put(k, OnnxExporter::activation);
    }
    w.put("softmax", OnnxExporter::softmax);
    w.put("flatten", c -> c.graph().node("Flatten", c.name(), c.inputs(), List.of(c.output()),
        attr("axis", 1L)));
    w.put("add", c -> c.graph().node(c.inputs().size() == 2 ? "Add" : "Sum", c.name(),
        c.inputs(), List.of(c.output())));
    return new OnnxExporter(w, WeightForm.STORED);
  }

  /** The same exporter with {@code kind} written by {@code writer}. */
  public OnnxExporter with(String kind, LayerWriter writer) {
    Map<String, LayerWriter> w = new HashMap<>(writers);
    w.put(kind, writer);
    return new OnnxExporter(w, weights);
  }

  /** The same exporter with parameters written in another form. */
  public OnnxExporter withWeightForm(WeightForm form) {
    return new OnnxExporter(writers, form);
  }

  /** Writes {@code model} to {@code out} with the standard exporter, atomically. */
  public static void export(Model model, Path out) {
    standard().write(model, out);
  }

  public void write(Model model, Path out) {
    AtomicFile.checkTarget(out);
    AtomicFile.write(out, toBytes(model));
  }

  public byte[] toBytes(Model model) {
    ModelProto m = toProto(model);
    if (m.getSerializedSize() < 0 || m.getSerializedSize() > Integer.MAX_VALUE - 64) {
      throw new InputException("the model is larger than 2 GiB, more than one ONNX file holds");
    }
    return m.toByteArray();
  }

  public ModelProto toProto(Model model) {
    Graph g = model.graph();
    GraphProto.Builder gb = GraphProto.newBuilder().setName("whittle");
    ExportGraph eg = new ExportGraph(gb);
    eg.fresh(Graph.INPUT);
    eg.fresh("output");
    Map<String, String> valueOf = new HashMap<>();
    valueOf.put(Graph.INPUT, Graph.INPUT);
    List<Graph.Node> nodes = g.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Graph.Node node = nodes.get(i);
      boolean last = i == nodes.size() - 1;
      List<String> ins = new ArrayList<>();
      for (String s : node.inputs()) {
        ins.add(valueOf.get(s));
      }
      Layer layer = node.layer();
      if (layer instanceof dev.whittle.nn.Dropout) {
        if (last) {
          eg.node("Identity", node.name(), ins, List.of("output"));
          valueOf.put(node.name(), "output");
        } else {
          valueOf.put(node.name(), ins.get(0));
        }
        continue;
      }
      LayerWriter w = writers.get(layer.kind());
      if (w == null) {
        throw new InputException("layer '" + node.name() + "' of kind '" + layer.kind()
            + "' has no ONNX export");
      }
      String out = last ? "output" : eg.fresh(node.name());
      w.write(new Context(eg, weights, node, ins, g.inputShapes(i), g.outputShape(i), out));
      valueOf.put(node.name(), out);
    }
    gb.addInput(valueInfo(Graph.INPUT, g.inputShape()));
    gb.addOutput(valueInfo("output", g.outputShape()));
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("whittle")
        .setProducerVersion(version())
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(gb);
    if (!eg.functions().isEmpty()) {
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ExportGraph.DOMAIN).setVersion(1))
          .addAllFunctions(eg.functions());
    }
    model.provenance().forEach((k, v) -> m.addMetadataProps(
        StringStringEntryProto.newBuilder().setKey(META_PREFIX + k).setValue(v)));
    return m.build();
  }

  private static String version() {
    String v = OnnxExporter.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  private static ValueInfoProto valueInfo(String name, int[] sample) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (int d : sample) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataTypes.FLOAT).setShape(s)))
        .build();
  }

  // ------------------------------------------------------------------ standard writers

  private static void dense(Context c) {
    Dense d = (Dense) c.node().layer();
    String x = c.inputs().get(0);
    if (c.inputShapes()[0].length != 1) {
      String flat = c.graph().fresh(c.name() + "/flatten");
      c.graph().node("Flatten", flat, List.of(x), List.of(flat), attr("axis", 1L));
      x = flat;
    }
    x = QdqInputs.write(c.graph(), c.name(), x, d.inputQuantizer());
    List<String> ins = new ArrayList<>(List.of(x, c.weight(d.weight())));
    if (d.bias() != null) {
      ins.add(c.weight(d.bias()));
    }
    c.graph().node("Gemm", c.name(), ins, List.of(c.output()), attr("transB", 1L),
        attr("alpha", 1f), attr("beta", 1f));
  }

  private static void conv(Context c) {
    Conv2d v = (Conv2d) c.node().layer();
    String x = QdqInputs.write(c.graph(), c.name(), c.inputs().get(0), v.inputQuantizer());
    List<String> ins = new ArrayList<>(List.of(x, c.weight(v.weight())));
    if (v.bias() != null) {
      ins.add(c.weight(v.bias()));
    }
    int p = v.pad();
    c.graph().node("Conv", c.name(), ins, List.of(c.output()),
        ints("kernel_shape", v.kernelH(), v.kernelW()), ints("strides", v.stride(), v.stride()),
        ints("pads", p, p, p, p), ints("dilations", 1, 1), attr("group", 1L));
  }

  private static void pool(Context c) {
    Pool2d p = (Pool2d) c.node().layer();
    c.graph().node(p.mode() == Pool2d.Mode.MAX ? "MaxPool" : "AveragePool", c.name(),
        c.inputs(), List.of(c.output()), ints("kernel_shape", p.kernel(), p.kernel()),
        ints("strides", p.stride(), p.stride()));
  }

  private static void batchNorm(Context c) {
    BatchNorm b = (BatchNorm) c.node().layer();
    float momentum = ((Number) b.config().get("momentum")).floatValue();
    List<String> ins = List.of(c.inputs().get(0), c.weight(b.gamma()), c.weight(b.beta()),
        c.buffer("running_mean", b.runningMean()), c.buffer("running_var", b.runningVar()));
    c.graph().node("BatchNormalization", c.name(), ins, List.of(c.output()),
        attr("epsilon", b.eps()), attr("momentum", (float) (1.0 - momentum)));
  }

  private static void activation(Context c) {
    Activation a = (Activation) c.node().layer();
    switch (a.function()) {
      case RELU -> c.graph().node("Relu", c.name(), c.inputs(), List.of(c.output()));
      case LEAKY_RELU -> c.graph().node("LeakyRelu", c.name(), c.inputs(), List.of(c.output()),
          attr("alpha", a.alpha()));
      case TANH -> c.graph().node("Tanh", c.name(), c.inputs(), List.of(c.output()));
      case SIGMOID -> c.graph().node("Sigmoid", c.name(), c.inputs(), List.of(c.output()));
    }
  }

  /** Whittle's softmax normalizes each sample as a whole. */
  private static void softmax(Context c) {
    int[] s = c.inputShapes()[0];
    if (s.length == 1) {
      c.graph().node("Softmax", c.name(), c.inputs(), List.of(c.output()), attr("axis", 1L));
      return;
    }
    String flat = c.graph().fresh(c.name() + "/flatten");
    String soft = c.graph().fresh(c.name() + "/softmax");
    c.graph().node("Flatten", flat, c.inputs(), List.of(flat), attr("axis", 1L));
    c.graph().node("Softmax", c.name(), List.of(flat), List.of(soft), attr("axis", 1L));
    long[] shape = new long[s.length + 1];
    for (int i = 0; i < s.length; i++) {
      shape[i + 1] = s[i];
    }
    String sh = c.graph().longs(c.name() + ".shape", new int[] {shape.length}, shape);
    c.graph().node("Reshape", c.graph().fresh(c.name() + "/reshape"), List.of(soft, sh),
        List.of(c.output()));
  }
}
