package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Activation;
import dev.whittle.nn.Context;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.InputQuantizer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.Pool2d;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized models exported in QDQ form run in ONNX Runtime and give Whittle's outputs: the same
 * integer codes (checked in the initializers), differences from float rounding only.
 */
class OnnxQdqTest {
  static final int[] IMAGE = {1, 8, 8};
  static final int N = 256;

  /** Two Dense layers and a head, reading the image directly (the exporter flattens). */
  static Model mlp(long seed) {
    List<Graph.Node> nodes = new ArrayList<>();
    nodes.add(new Graph.Node("fc1", new Dense(64, 24, true), List.of("input")));
    nodes.add(new Graph.Node("relu1", Activation.relu(), List.of("fc1")));
    nodes.add(new Graph.Node("fc2", new Dense(24, 16, true), List.of("relu1")));
    nodes.add(new Graph.Node("tanh2", new Activation(Activation.Function.TANH, 0f),
        List.of("fc2")));
    nodes.add(new Graph.Node("fc3", new Dense(16, 10, true), List.of("tanh2")));
    Model m = new Model(new Graph(IMAGE, nodes));
    Models.randomize(m, seed);
    return m;
  }

  /** Padded and strided convolutions, pooling, a Dense head. */
  static Model cnn(long seed) {
    List<Graph.Node> nodes = new ArrayList<>();
    nodes.add(new Graph.Node("conv1", new Conv2d(1, 6, 3, 3, 1, 1, true), List.of("input")));
    nodes.add(new Graph.Node("relu1", Activation.relu(), List.of("conv1")));
    nodes.add(new Graph.Node("pool1", new Pool2d(Pool2d.Mode.MAX, 2, 2), List.of("relu1")));
    nodes.add(new Graph.Node("conv2", new Conv2d(6, 8, 3, 3, 2, 1, false), List.of("pool1")));
    nodes.add(new Graph.Node("relu2", Activation.relu(), List.of("conv2")));
    nodes.add(new Graph.Node("fc1", new Dense(8 * 2 * 2, 10, true), List.of("relu2")));
    Model m = new Model(new Graph(IMAGE, nodes));
    Models.randomize(m, seed);
    return m;
  }

  /** Seeded inputs in [-1, 1) with a few larger values, and random labels. */
  static Dataset data(int n, long seed) {
    Rng rng = new Rng(seed);
    float[] x = new float[n * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rng.uniform() * 2 - 1) * (i % 17 == 0 ? 3 : 1);
    }
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (int) (rng.uniform() * 10);
    }
    return new Dataset("random", x, y, n, IMAGE, 10);
  }

  static QuantSpec spec(QuantSpec.Mode mode, int bits, boolean perChannel, boolean symmetric,
      boolean binaryActivations) {
    return new QuantSpec(mode, bits, Map.of(), 0, perChannel, Set.of(), symmetric, "minmax", 256,
        binaryActivations, true);
  }

  static Model quantize(Model m, QuantSpec s) {
    Model q = Quantization.prepare(m, s).model();
    if (s.mode() == QuantSpec.Mode.PTQ) {
      Quantization.calibrate(q, data(512, 11), s, 64);
    }
    Quantization.freeze(q);
    return q;
  }

  static float[] simulate(Model m, float[] x, int n) {
    return m.forward(new Tensor(Shapes.batched(n, IMAGE), x.clone()), Context.EVAL).data().clone();
  }

  /** max |a - b| / max |b|. */
  static float relative(float[] a, float[] b) {
    return Ort.maxAbsDiff(a, b) / Ort.maxAbsDiff(b, new float[b.length]);
  }

  /**
   * Relative differences (max |a - b| over the largest output): ONNX Runtime without its QDQ
   * fusions against the plan and the simulation, without any optimization against the
   * simulation, and with every optimization (integer fusions included, reported only) against
   * the simulation; and the number of samples whose unfused outputs differ from the simulation's
   * by more than 1e-5 of the largest.
   */
  record Agreement(float plan, float simulation, float unoptimized, float fused, int samples) {
    boolean within(float tolerance) {
      return plan <= tolerance && simulation <= tolerance && unoptimized <= tolerance;
    }
  }

  /**
   * Exports, checks the codes and, layer by layer, that ONNX Runtime quantizes each layer's input
   * exactly as Whittle does; returns how the outputs agree.
   */
  static Agreement check(String what, Model m) {
    byte[] onnx = OnnxExporter.standard().toBytes(m);
    checkCodes(what, m, onnx);
    float[] x = data(N, 5).x();
    int layers = checkInputCodes(what, m, onnx, x);
    float[] plan = Plan.compile(m).predict(x, N);
    float[] sim = simulate(m, x, N);
    float[] ort = Ort.run(onnx, x, N, IMAGE, Ort.Mode.UNFUSED, null);
    float[] raw = Ort.run(onnx, x, N, IMAGE, Ort.Mode.NONE, null);
    float[] fused = Ort.run(onnx, x, N, IMAGE, Ort.Mode.ALL, null);
    float largest = Ort.maxAbsDiff(sim, new float[sim.length]);
    int per = sim.length / N;
    int samples = 0;
    for (int r = 0; r < N; r++) {
      float d = Ort.maxAbsDiff(java.util.Arrays.copyOfRange(ort, r * per, (r + 1) * per),
          java.util.Arrays.copyOfRange(sim, r * per, (r + 1) * per));
      samples += d > 1e-5f * largest ? 1 : 0;
    }
    Agreement a = new Agreement(relative(ort, plan), relative(ort, sim), relative(raw, sim),
        relative(fused, sim), samples);
    System.out.printf("QDQ %-34s ORT vs plan %.2e, vs simulation %.2e, unoptimized %.2e, fused"
        + " %.2e; %d of %d samples off by > 1e-5; input codes of %d layers exact%n", what,
        a.plan(), a.simulation(), a.unoptimized(), a.fused(), samples, N, layers);
    return a;
  }

  /**
   * For every layer with a quantized input: the value ONNX Runtime feeds to its Gemm or Conv is
   * bit for bit Whittle's dequantized codes of the value ONNX Runtime quantized. Returns the
   * number of layers checked.
   */
  static int checkInputCodes(String what, Model m, byte[] onnx, float[] x) {
    ModelProto p = parse(onnx);
    Map<String, NodeProto> producer = new LinkedHashMap<>();
    for (NodeProto n : p.getGraph().getNodeList()) {
      producer.put(n.getOutput(0), n);
    }
    int checked = 0;
    for (Graph.Node node : m.graph().nodes()) {
      InputQuantizer q = node.layer() instanceof Dense d ? d.inputQuantizer()
          : node.layer() instanceof Conv2d c ? c.inputQuantizer() : null;
      if (q == null) {
        continue;
      }
      NodeProto op = p.getGraph().getNodeList().stream()
          .filter(n -> n.getName().equals(node.name())).findFirst().orElseThrow();
      String dq = op.getInput(0);
      String src = dq;
      while (producer.containsKey(src) && QUANTIZER_OPS.contains(producer.get(src).getOpType())) {
        src = producer.get(src).getInput(0);
      }
      assertTrue(!src.equals(dq), what + ": " + node.name() + " has a quantizer in front");
      List<String> names = src.equals(Graph.INPUT) ? List.of(dq) : List.of(src, dq);
      Map<String, float[]> v = Ort.values(onnx, names, x, N, IMAGE);
      float[] in = src.equals(Graph.INPUT) ? x : v.get(src);
      float[] out = v.get(dq);
      int len = in.length / N;
      float[] codes = new float[in.length];
      float[] rowScale = new float[N];
      q.quantize(in.clone(), N, len, codes, rowScale, false);
      for (int i = 0; i < in.length; i++) {
        float expect = codes[i] * rowScale[i / len];
        if (expect != out[i]) {
          throw new AssertionError(what + ": " + node.name() + " input " + i + " = " + in[i]
              + ": ONNX Runtime dequantizes to " + out[i] + ", Whittle to " + expect);
        }
      }
      checked++;
    }
    return checked;
  }

  static final Set<String> QUANTIZER_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "Clip",
      "Where", "GreaterOrEqual", QdqInputs.dynamicName(8, false), QdqInputs.dynamicName(4, false),
      QdqInputs.dynamicName(2, false), QdqInputs.dynamicName(8, true),
      QdqInputs.dynamicName(4, true));

  static ModelProto parse(byte[] onnx) {
    try {
      return ModelProto.parseFrom(onnx);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every exactly quantized weight is an int8 initializer holding its codes (zero point where the
   * weight is 0) and the rest are float.
   */
  static void checkCodes(String what, Model m, byte[] onnx) {
    ModelProto p = parse(onnx);
    Map<String, TensorProto> inits = new LinkedHashMap<>();
    for (TensorProto t : p.getGraph().getInitializerList()) {
      inits.put(t.getName(), t);
    }
    for (Graph.Node n : m.graph().nodes()) {
      for (Parameter w : n.layer().parameters()) {
        String name = n.name() + "." + w.name();
        QuantizedWeights q = QdqWeights.quantized(w);
        TensorProto codes = inits.get(name + "_quantized");
        if (q == null || !q.exact()) {
          assertTrue(codes == null && inits.get(name).getDataType() == DataTypes.FLOAT,
              what + ": " + name + " is float");
          continue;
        }
        assertTrue(codes != null, what + ": " + name + " has codes");
        assertEquals(DataTypes.INT8, codes.getDataType(), what + ": " + name);
        byte[] b = codes.getRawData().toByteArray();
        float[] v = w.value().data();
        int per = v.length / q.channels();
        boolean sign = q.form() == QuantizedWeights.Form.SIGN;
        for (int i = 0; i < v.length; i++) {
          int c = i / per;
          int expect = sign ? q.integer(v[i], c) : q.code(v[i], c);
          assertEquals(expect, b[i], what + ": " + name + "[" + i + "]");
          if (v[i] == 0f) {
            assertEquals(sign ? 0 : q.zeroPoint()[c], b[i], what + ": pruned " + name);
          }
        }
      }
    }
  }

  @Test
  void staticInt8MatchesThePlan() {
    for (boolean perChannel : new boolean[] {true, false}) {
      for (boolean symmetric : new boolean[] {true, false}) {
        String how = (perChannel ? "per channel" : "per tensor")
            + (symmetric ? " symmetric" : " asymmetric");
        for (Model base : List.of(mlp(1), cnn(2))) {
          String what = (base.graph().nodes().size() == 5 ? "mlp" : "cnn") + " int8 " + how;
          Agreement a = check(what, quantize(base, spec(QuantSpec.Mode.PTQ, 8, perChannel,
              symmetric, false)));
          assertTrue(a.within(1e-5f), what + ": " + a);
        }
      }
    }
  }

  /**
   * Every input quantizer replaced by a symmetric one (zero point 2^(b-1)) of the same bits and
   * mode; static ones keep their range.
   */
  static Model symmetricInputs(Model m) {
    for (Graph.Node n : m.graph().nodes()) {
      if (n.layer() instanceof Dense d && d.inputQuantizer() instanceof UniformInput u) {
        d.setInputQuantizer(symmetric(u));
      } else if (n.layer() instanceof Conv2d c && c.inputQuantizer() instanceof UniformInput u) {
        c.setInputQuantizer(symmetric(u));
      }
    }
    return m;
  }

  private static UniformInput symmetric(UniformInput u) {
    UniformInput s = new UniformInput(u.bits(), true, u.mode());
    float[] r = u.range();
    s.setRange(r[0], r[1]);
    return s;
  }

  /**
   * Low-bit static inputs (a Clip before QuantizeLinear) agree like int8. Dynamic inputs are
   * quantized exactly too (checked layer by layer), but a sample's scale comes from the previous
   * layer's float outputs, which ONNX Runtime rounds differently in the last bit; where a value
   * sits exactly on a rounding tie of the next layer's codes the tie can break the other way.
   * Ties are common in two cases: without a bias (all outputs of a sample are integer multiples
   * of one scale; the bias-free convolution of {@link #cnn} at 4 bits, which agrees everywhere
   * when given a bias) and with symmetric input codes (scale = amax / 127.5 puts -amax exactly on
   * -127.5). A few samples then differ by a code step.
   */
  @Test
  void lowBitsAndDynamicInputs() {
    for (Model base : List.of(mlp(3), cnn(4))) {
      String arch = base.graph().nodes().size() == 5 ? "mlp" : "cnn";
      for (int bits : new int[] {4, 2}) {
        String what = arch + " int" + bits + " static";
        Model q = quantize(base, spec(QuantSpec.Mode.PTQ, bits, true, false, false));
        assertTrue(check(what, q).within(1e-5f), what);
        assertTrue(check(what + " symmetric in", symmetricInputs(q)).within(1e-5f), what);
      }
      for (int bits : new int[] {8, 4}) {
        for (boolean perChannel : new boolean[] {true, false}) {
          String what = arch + " int" + bits + " dynamic" + (perChannel ? " per channel" : "");
          Model q = quantize(base, spec(QuantSpec.Mode.DYNAMIC, bits, perChannel, true, false));
          Agreement a = check(what, q);
          Agreement s = check(what + " symmetric in", symmetricInputs(q));
          assertTrue(a.samples() <= N / 8 && s.samples() <= N / 8, what + ": " + a + " " + s);
        }
      }
    }
  }

  @Test
  void ternaryBinaryAndSignInputs() {
    for (Model base : List.of(mlp(5), cnn(6))) {
      String arch = base.graph().nodes().size() == 5 ? "mlp" : "cnn";
      for (QuantSpec s : List.of(spec(QuantSpec.Mode.TERNARY, 8, true, true, false),
          spec(QuantSpec.Mode.BINARY, 8, true, true, false),
          spec(QuantSpec.Mode.BINARY, 8, true, true, true),
          spec(QuantSpec.Mode.LOGIC, 8, true, true, false))) {
        String what = arch + " " + s.mode().name().toLowerCase(java.util.Locale.ROOT)
            + (s.binaryActivations() ? " sign inputs" : "");
        Agreement a = check(what, quantize(base, s));
        assertTrue(a.simulation() < 1e-5f, what + ": " + a);
      }
    }
  }

  @Test
  void prunedWeightsKeepTheirZeroPoints() {
    for (Model base : List.of(mlp(7), cnn(8))) {
      Models.prune(base, 0.6, 9);
      for (QuantSpec s : List.of(spec(QuantSpec.Mode.PTQ, 8, true, false, false),
          spec(QuantSpec.Mode.TERNARY, 8, true, true, false),
          spec(QuantSpec.Mode.BINARY, 8, true, true, false))) {
        Model q = quantize(base, s);
        long zeros = q.paramCount() - q.nonZeroParams();
        assertTrue(zeros > 0);
        Agreement a = check("pruned 60% " + s.mode().name().toLowerCase(java.util.Locale.ROOT),
            q);
        assertTrue(a.simulation() < 1e-5f, a.toString());
      }
    }
  }

  /** A bias-free MLP: ONNX Runtime would fuse its QDQ layers into integer kernels. */
  static Model mlpWithoutBias(long seed) {
    List<Graph.Node> nodes = new ArrayList<>();
    nodes.add(new Graph.Node("fc1", new Dense(64, 24, false), List.of("input")));
    nodes.add(new Graph.Node("relu1", Activation.relu(), List.of("fc1")));
    nodes.add(new Graph.Node("fc2", new Dense(24, 16, false), List.of("relu1")));
    nodes.add(new Graph.Node("relu2", Activation.relu(), List.of("fc2")));
    nodes.add(new Graph.Node("fc3", new Dense(16, 10, false), List.of("relu2")));
    Model m = new Model(new Graph(IMAGE, nodes));
    Models.randomize(m, seed);
    return m;
  }

  /** The operators of the graph ONNX Runtime runs after its optimizations, with counts. */
  static Map<String, Integer> optimizedOps(byte[] onnx, Ort.Mode mode, Path dir)
      throws Exception {
    Path opt = Files.createTempFile(dir, "optimized", ".onnx");
    Ort.run(onnx, data(N, 5).x(), N, IMAGE, mode, opt);
    Map<String, Integer> ops = new java.util.TreeMap<>();
    for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(opt)).getGraph().getNodeList()) {
      ops.merge((n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType(), 1,
          Integer::sum);
    }
    return ops;
  }

  /**
   * What ONNX Runtime makes of the QDQ graph, printed: with every optimization it may fuse layers
   * into integer kernels (a bias-free Gemm into QGemm; a Conv whose output reaches a
   * QuantizeLinear into QLinearConv), whose u8s8 products saturate on x86 without VNNI; with
   * {@code session.disable_quant_qdq} it keeps the float path, which agrees with Whittle.
   */
  @Test
  void onnxRuntimeFusions(@TempDir Path dir) throws Exception {
    for (Model base : List.of(cnn(10), mlpWithoutBias(11))) {
      String what = (base.graph().nodes().size() == 5 ? "bias-free mlp" : "cnn") + " int8";
      Model q = quantize(base, spec(QuantSpec.Mode.PTQ, 8, true, true, false));
      byte[] onnx = OnnxExporter.standard().toBytes(q);
      System.out.println("ONNX Runtime runs the " + what + " as " + optimizedOps(onnx,
          Ort.Mode.ALL, dir) + ", unfused as " + optimizedOps(onnx, Ort.Mode.UNFUSED, dir));
      for (String op : optimizedOps(onnx, Ort.Mode.UNFUSED, dir).keySet()) {
        assertTrue(!op.contains("QLinear") && !op.contains("QGemm") && !op.contains("Integer"),
            what + ": fused into " + op);
      }
      Agreement a = check(what, q);
      assertTrue(a.within(1e-5f), a.toString());
    }
  }
}
