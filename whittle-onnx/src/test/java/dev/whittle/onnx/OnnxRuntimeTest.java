package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime runs every exported model and agrees with Whittle's compiled plan within 1e-4 on
 * 1,000 MNIST test images.
 */
class OnnxRuntimeTest {
  static final int N = 1000;
  static Dataset test;

  @BeforeAll
  static void mnist() {
    test = DataSets.load("mnist", null).test().head(N);
  }

  static float check(String what, Model m) {
    byte[] onnx = OnnxExporter.standard().toBytes(m);
    float[] x = test.x();
    float[] ort = Ort.run(onnx, x, N, test.sampleShape());
    float[] plan = Plan.compile(m).predict(x, N);
    float diff = Ort.maxAbsDiff(ort, plan);
    float scale = Ort.maxAbsDiff(plan, new float[plan.length]);
    assertTrue(scale > 1e-3f, what + ": outputs are all zero");
    System.out.printf("ORT vs plan, %s: max abs difference %.3g over %d images (outputs up to"
        + " %.3g)%n", what, diff, N, scale);
    assertTrue(diff <= 1e-4f, what + ": max abs difference " + diff);
    return diff;
  }

  @Test
  void lenet300() {
    check("lenet300", Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1));
  }

  @Test
  void lenet5() {
    check("lenet5", Architectures.build("lenet5", new int[] {1, 28, 28}, 10, 2));
  }

  @Test
  void batchNormAndResidual() {
    check("bn+residual", Models.residual(3));
  }

  @Test
  void everyLayerKind() {
    check("every layer kind", Models.everyKind(4));
  }

  @Test
  void prunedWeightsKeepTheirZeros() {
    Model m = Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 5);
    Models.prune(m, 0.9, 6);
    long zeros = m.paramCount() - m.nonZeroParams();
    check("lenet300 pruned 90%", m);
    Model back = OnnxImporter.fromBytes(OnnxExporter.standard().toBytes(m), "pruned.onnx",
        OnnxImporter.Options.defaults());
    assertEquals(zeros, back.paramCount() - back.nonZeroParams());
  }
}
