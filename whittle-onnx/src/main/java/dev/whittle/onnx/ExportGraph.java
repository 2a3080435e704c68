package dev.whittle.onnx;

import com.google.protobuf.ByteString;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.FunctionProto;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ONNX graph an export is writing: it hands out unique value names and adds initializers and
 * nodes. {@link OnnxExporter.LayerWriter}s and {@link WeightForm}s write through it, so a new
 * layer kind or a new weight encoding (QDQ, codebook) is a new writer, not a change here.
 *
 * <p>Composite operations without an ONNX operator (Whittle's per-sample dynamic quantization)
 * are model-local functions of the domain {@value #DOMAIN}, defined once by {@link #call}.
 */
public final class ExportGraph {
  /** The domain of Whittle's model-local functions. */
  public static final String DOMAIN = "dev.whittle";

  private final GraphProto.Builder graph;
  private final Set<String> names = new HashSet<>();
  private final Map<String, FunctionProto> functions = new LinkedHashMap<>();

  ExportGraph(GraphProto.Builder graph) {
    this.graph = graph;
  }

  /**
   * A value name not used yet: {@code base} itself when free, else {@code base_2}, {@code
   * base_3}, and so on.
   */
  public String fresh(String base) {
    if (names.add(base)) {
      return base;
    }
    for (int i = 2; ; i++) {
      String n = base + "_" + i;
      if (names.add(n)) {
        return n;
      }
    }
  }

  /** Adds a float32 initializer named (uniquely) after {@code name}; returns its value name. */
  public String floats(String name, int[] dims, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return raw(name, DataTypes.FLOAT, dims, b.array());
  }

  /** Adds a float32 scalar initializer (shape ()); returns its value name. */
  public String scalar(String name, float v) {
    return floats(name, new int[0], new float[] {v});
  }

  /** Adds an int64 initializer (shapes, indices); returns its value name. */
  public String longs(String name, int[] dims, long[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return raw(name, DataTypes.INT64, dims, b.array());
  }

  /**
   * Adds an initializer of any ONNX data type from its little-endian raw bytes (int8 weights,
   * codebook indices); returns its value name.
   */
  public String raw(String name, int dataType, int[] dims, byte[] bytes) {
    String n = fresh(name);
    TensorProto.Builder t = TensorProto.newBuilder().setName(n).setDataType(dataType)
        .setRawData(ByteString.copyFrom(bytes));
    for (int d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return n;
  }

  /** Adds a node of the default ONNX domain. */
  public void node(String opType, String name, List<String> inputs, List<String> outputs,
      AttributeProto... attributes) {
    graph.addNode(nodeProto("", opType, name, inputs, outputs, attributes));
  }

  /**
   * Adds a node calling the model-local function {@code name} of {@link #DOMAIN}, defining the
   * function with {@code body} the first time it is called.
   */
  public void call(String function, Supplier<FunctionProto> body, String name,
      List<String> inputs, List<String> outputs) {
    functions.computeIfAbsent(function, k -> body.get());
    graph.addNode(nodeProto(DOMAIN, function, name, inputs, outputs));
  }

  /** The functions that {@link #call} defined, in the order first called. */
  List<FunctionProto> functions() {
    return List.copyOf(functions.values());
  }

  static NodeProto nodeProto(String domain, String opType, String name, List<String> inputs,
      List<String> outputs, AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name)
        .addAllInput(inputs).addAllOutput(outputs);
    if (!domain.isEmpty()) {
      n.setDomain(domain);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    return n.build();
  }

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
        .setF(value).build();
  }

  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
  }

  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }
}
