package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Context;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Evaluation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The foundation's accuracy targets on the real data sets, with {@code whittle train}'s default
 * settings: only --model, --data, --epochs and --seed given.
 */
class MnistAccuracyTest {
  private double train(String model, String data, int epochs) {
    return TestModels.accuracy(TestModels.baseline(model, data, epochs));
  }

  @Test
  void lenet300OnMnistReaches98() {
    double acc = train("lenet300", "mnist", 10);
    assertTrue(acc >= 0.980, "lenet300 accuracy " + acc);
  }

  @Test
  void lenet5OnMnistReaches99AndItsPlanAgreesOnEveryTestImage() {
    double acc = train("lenet5", "mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.990, "lenet5 accuracy " + acc);
    Model model = ModelFile.load(TestModels.baseline("lenet5", "mnist", LENET5_EPOCHS));
    Plan plan = Plan.compile(model);
    Dataset test = DataSets.load("mnist", null).test();
    int batch = 500;
    int f = test.features();
    double worst = 0;
    for (int from = 0; from < test.n(); from += batch) {
      float[] x = Arrays.copyOfRange(test.x(), from * f, (from + batch) * f);
      float[] expected = model.forward(new Tensor(new int[] {batch, 1, 28, 28}, x), Context.EVAL)
          .data().clone();
      float[] got = plan.predict(x, batch);
      for (int i = 0; i < batch; i++) {
        assertEquals(Evaluation.argmax(expected, i * 10, 10), Evaluation.argmax(got, i * 10, 10),
            "label of test image " + (from + i));
      }
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      }
    }
    assertTrue(worst <= 1e-4, "largest logit difference " + worst);
  }

  @Test
  void lenet5OnFashionMnistReaches90() {
    double acc = train("lenet5", "fashion-mnist", LENET5_EPOCHS);
    assertTrue(acc >= 0.900, "lenet5 fashion accuracy " + acc);
  }

  /** Fewer than the 10 the target allows, to keep the suite short; the targets still hold. */
  static final int LENET5_EPOCHS = 4;
}
