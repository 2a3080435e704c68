package dev.whittle.eval;

import dev.whittle.data.Dataset;
import dev.whittle.plan.Plan;
import dev.whittle.train.Evaluation;
import java.util.Arrays;

/** Top-1 accuracy of a compiled plan over a labelled set. */
public final class PlanAccuracy {
  private PlanAccuracy() {}

  public static double of(Plan plan, Dataset data) {
    int f = data.features();
    int k = plan.outputs();
    int batch = 256;
    long correct = 0;
    float[] out = new float[batch * k];
    for (int from = 0; from < data.n(); from += batch) {
      int m = Math.min(batch, data.n() - from);
      float[] x = Arrays.copyOfRange(data.x(), from * f, (from + m) * f);
      plan.predict(x, m, out);
      for (int i = 0; i < m; i++) {
        if (Evaluation.argmax(out, i * k, k) == data.y()[from + i]) {
          correct++;
        }
      }
    }
    return (double) correct / data.n();
  }
}
