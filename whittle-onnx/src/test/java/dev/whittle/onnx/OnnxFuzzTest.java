package dev.whittle.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;

/**
 * Fuzzes the ONNX importer ({@link OnnxImporter}: protobuf parsing, {@link GraphLoader}, {@link
 * TensorReader}, constant folding and the operator translations); a model that imports must also
 * compile and run one sample. Seeds: Whittle's own exports of a tiny dense, convolutional,
 * 4-bit quantized (QDQ) and dynamic int8 (with functions) model.
 */
class OnnxFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void model(byte[] input) {
    ReaderFuzz.check(input, OnnxFuzzTest::importAndRun);
  }

  static Object importAndRun(byte[] bytes) {
    Model m = OnnxImporter.fromBytes(bytes, "fuzz.onnx", OnnxImporter.Options.defaults());
    Plan plan = Plan.compile(m);
    return plan.predict(new float[Math.toIntExact(Shapes.size(m.inputShape()))], 1);
  }
}
