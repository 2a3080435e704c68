package dev.whittle.train;

import dev.whittle.data.Batches;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Context;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;

/** Loss and top-1 accuracy of a model in evaluation mode over a labelled set. */
public final class Evaluation {
  private Evaluation() {}

  /** Mean loss and accuracy (a fraction). */
  public record Result(double loss, double accuracy, int samples) {}

  public static Result run(Model model, Dataset data, Loss loss, int batch) {
    int n = data.n();
    int f = data.features();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] x = new float[batch * f];
    int[] y = new int[batch];
    double total = 0;
    long correct = 0;
    for (int from = 0; from < n; from += batch) {
      int m = Math.min(batch, n - from);
      Batches.gather(data, order, from, from + m, x, y);
      Tensor in = new Tensor(Shapes.batched(m, data.sampleShape()), m == batch ? x : java.util.Arrays.copyOf(x, m * f));
      Tensor out = model.forward(in, Context.EVAL);
      Tensor grad = Tensor.zeros(out.shape());
      int[] labels = m == batch ? y : java.util.Arrays.copyOf(y, m);
      total += loss.compute(out, labels, grad) * m;
      correct += countCorrect(out, labels);
    }
    return new Result(total / n, (double) correct / n, n);
  }

  public static int argmax(float[] row, int off, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (row[off + j] > row[off + best]) {
        best = j;
      }
    }
    return best;
  }

  public static long countCorrect(Tensor outputs, int[] labels) {
    int k = outputs.sampleSize();
    long c = 0;
    for (int i = 0; i < outputs.dim(0); i++) {
      if (argmax(outputs.data(), i * k, k) == labels[i]) {
        c++;
      }
    }
    return c;
  }
}
