package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.nn.Architectures;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import(export(m)) gives back the same weights, bit for bit, and the same outputs. */
class OnnxRoundTripTest {
  @TempDir Path dir;

  static Model roundTrip(Model m) {
    return OnnxImporter.fromBytes(OnnxExporter.standard().toBytes(m), "m.onnx",
        OnnxImporter.Options.defaults());
  }

  static void assertSameWeights(Model a, Model b) {
    Map<String, Parameter> pa = a.graph().parameters();
    Map<String, Parameter> pb = b.graph().parameters();
    assertEquals(pa.keySet(), pb.keySet());
    pa.forEach((k, p) -> assertBits(k, p.value(), pb.get(k).value()));
    Map<String, Tensor> ba = a.graph().buffers();
    Map<String, Tensor> bb = b.graph().buffers();
    assertEquals(ba.keySet(), bb.keySet());
    ba.forEach((k, t) -> assertBits(k, t, bb.get(k)));
  }

  static void assertBits(String name, Tensor x, Tensor y) {
    assertArrayEquals(x.shape(), y.shape(), name);
    float[] u = x.data();
    float[] v = y.data();
    for (int i = 0; i < u.length; i++) {
      if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
        throw new AssertionError(name + "[" + i + "]: " + u[i] + " != " + v[i]);
      }
    }
  }

  static void assertSameOutputs(Model a, Model b) {
    int n = 3;
    float[] x = new float[n * Ort.size(a.inputShape())];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37);
    }
    assertArrayEquals(Plan.compile(a).predict(x, n), Plan.compile(b).predict(x, n));
  }

  @Test
  void lenet300() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1);
    Model back = roundTrip(m);
    assertSameWeights(m, back);
    assertSameOutputs(m, back);
    assertEquals(names(m), names(back));
  }

  @Test
  void lenet5() {
    Model m = Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 2);
    Model back = roundTrip(m);
    assertSameWeights(m, back);
    assertSameOutputs(m, back);
    assertEquals(names(m), names(back));
  }

  @Test
  void batchNormAndResidualKeepEverySetting() {
    Model m = Models.residual(3);
    Model back = roundTrip(m);
    assertSameWeights(m, back);
    assertSameOutputs(m, back);
    for (int i = 0; i < m.graph().nodes().size(); i++) {
      Graph.Node a = m.graph().nodes().get(i);
      Graph.Node b = back.graph().nodes().get(i);
      assertEquals(a.name(), b.name());
      assertEquals(a.inputs(), b.inputs());
      assertEquals(a.layer().kind(), b.layer().kind());
      assertEquals(config(a), config(b), a.name());
    }
    // A second trip writes the same graph.
    ModelProto once = OnnxExporter.standard().toProto(m);
    ModelProto twice = OnnxExporter.standard().toProto(back);
    assertEquals(once.getGraph(), twice.getGraph());
  }

  @Test
  void everyLayerKind() {
    Model m = Models.everyKind(4);
    Model back = roundTrip(m);
    assertSameWeights(m, back);
    assertSameOutputs(m, back);
  }

  @Test
  void prunedModelKeepsZeros() {
    Model m = Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 5);
    Models.prune(m, 0.8, 1);
    Model back = roundTrip(m);
    assertSameWeights(m, back);
    assertEquals(m.nonZeroParams(), back.nonZeroParams());
  }

  @Test
  void exportedNamesAreStableAndReadable() throws Exception {
    Model m = Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 2);
    m.provenance().put("seed", "2");
    Path out = dir.resolve("m.onnx");
    OnnxExporter.export(m, out);
    ModelProto p = ModelProto.parseFrom(Files.readAllBytes(out));
    assertEquals(17, p.getOpsetImport(0).getVersion());
    assertEquals("input", p.getGraph().getInput(0).getName());
    assertEquals("N", p.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0)
        .getDimParam());
    assertEquals("output", p.getGraph().getOutput(0).getName());
    assertEquals(List.of("conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "relu1", "fc2"),
        p.getGraph().getNodeList().stream().map(NodeProto::getName).toList());
    assertTrue(p.getGraph().getInitializerList().stream()
        .anyMatch(t -> t.getName().equals("fc1.weight") && t.getDims(0) == 500));
    assertEquals("Gemm", p.getGraph().getNode(5).getOpType());
    Model back = OnnxImporter.load(out);
    assertEquals("2", back.provenance().get("seed"));
    assertEquals("m.onnx", back.provenance().get("imported_from"));
    // Same model, same bytes.
    assertArrayEquals(Files.readAllBytes(out), OnnxExporter.standard().toBytes(m));
  }

  static String config(Graph.Node n) {
    StringBuilder b = new StringBuilder();
    n.layer().config().forEach((k, v) -> b.append(k).append('=')
        .append(v instanceof long[] l ? java.util.Arrays.toString(l) : v).append(' '));
    return b.toString();
  }

  static List<String> names(Model m) {
    return m.graph().nodes().stream().map(Graph.Node::name).toList();
  }
}
