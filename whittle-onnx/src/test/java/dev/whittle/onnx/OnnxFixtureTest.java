package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models exported by PyTorch (scripts/onnx/make_fixtures.py) import, and Whittle's compiled plan
 * reproduces PyTorch's outputs within 1e-4.
 */
class OnnxFixtureTest {
  static Stream<Fixtures.Fixture> fixtures() {
    return Fixtures.all().stream();
  }

  static Model load(Fixtures.Fixture f) {
    return OnnxImporter.load(f.model(),
        OnnxImporter.Options.defaults().withStripFinalLogSoftmax(f.stripLogSoftmax()));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void matchesPyTorch(Fixtures.Fixture f) {
    Model m = load(f);
    float[] x = f.input();
    float[] y = Plan.compile(m).predict(x, f.batch());
    if (f.stripLogSoftmax()) {
      y = logSoftmax(y, f.batch());
    }
    float diff = Ort.maxAbsDiff(f.output(), y);
    System.out.printf("plan vs PyTorch, %s: max abs difference %.3g%n", f.name(), diff);
    assertTrue(diff <= 1e-4f, f.name() + ": max abs difference " + diff);
  }

  @Test
  void manifestListsEveryFixture() {
    assertEquals(9, Fixtures.all().size());
  }

  @Test
  void foldsNormalizationAndShapeArithmeticAway() {
    Model m = load(find("mlp_opset9"));
    List<String> kinds = kinds(m);
    assertEquals(List.of("flatten", "dense", "relu", "dense"), kinds);
    assertEquals(List.of("flatten1", "fc1", "relu1", "fc2"), names(m));
  }

  @Test
  void keepsBatchNormAndFoldsConstantsIntoDense() {
    Model lenet = load(find("lenet5_bn_opset17"));
    assertEquals(List.of("conv2d", "batchnorm", "relu", "maxpool2d", "conv2d", "batchnorm",
        "relu", "maxpool2d", "flatten", "dense", "relu", "dense"), kinds(lenet));
    assertTrue(names(lenet).containsAll(List.of("conv1", "bn1", "conv2", "bn2", "fc1", "fc2")));
    Model ops = load(find("mlp_ops_opset17"));
    assertEquals(List.of("dense", "leaky_relu", "tanh", "dense", "sigmoid", "dense", "softmax"),
        kinds(ops));
  }

  @Test
  void residualAddAndGlobalPooling() {
    Model m = load(find("resnet_opset9"));
    assertTrue(kinds(m).contains("add"));
    assertEquals(List.of("avgpool2d", "avgpool2d"), kinds(m).stream()
        .filter(k -> k.equals("avgpool2d")).toList());
    assertEquals("9", m.provenance().get("onnx_opset"));
  }

  @Test
  void nhwcInputBecomesAView() {
    Model m = load(find("nhwc_tf2onnx_opset13"));
    assertEquals(List.of("conv2d", "relu", "flatten", "dense"), kinds(m));
    assertEquals(List.of(1, 8, 8), java.util.Arrays.stream(m.inputShape()).boxed().toList());
    assertFalse(m.provenance().getOrDefault("import_notes", "").isEmpty());
  }

  static Fixtures.Fixture find(String name) {
    return Fixtures.all().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  static List<String> kinds(Model m) {
    return m.graph().nodes().stream().map(n -> n.layer().kind()).toList();
  }

  static List<String> names(Model m) {
    return m.graph().nodes().stream().map(Graph.Node::name).toList();
  }

  static float[] logSoftmax(float[] y, int n) {
    int k = y.length / n;
    float[] out = new float[y.length];
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, y[i * k + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(y[i * k + j] - max);
      }
      double lse = max + Math.log(sum);
      for (int j = 0; j < k; j++) {
        out[i * k + j] = (float) (y[i * k + j] - lse);
      }
    }
    return out;
  }
}
