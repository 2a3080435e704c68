package dev.whittle.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;

/**
 * Fuzzes the {@code .wtl} reader end to end: bytes to records ({@link WtlReader}), records to a
 * model ({@link ModelFile}, which decodes every tensor through its codec), and a model that
 * loads must also compile and run one sample. Seeds: a tiny trained model in each encoding
 * (dense, sparse, quantized, sparse quantized, codebook, dynamic int8, binary) and a small
 * convolutional one.
 */
class WtlFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void model(byte[] input) {
    ReaderFuzz.check(input, WtlFuzzTest::loadAndRun);
  }

  static Object loadAndRun(byte[] bytes) {
    Model m = ModelFile.fromRecord(WtlReader.fromBytes(bytes, "fuzz.wtl"), "fuzz.wtl").model();
    Plan plan = Plan.compile(m);
    return plan.predict(new float[Math.toIntExact(Shapes.size(m.inputShape()))], 1);
  }
}
