package dev.whittle.compress.prune;

import dev.whittle.data.Batches;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Context;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.Loss;

/**
 * The loop first-order criteria share: up to N batches of 64 training samples in a seeded order,
 * each run forward in evaluation mode and back through the cross-entropy loss, after which the
 * caller reads the parameters' gradients. Gradients are zeroed before each batch and at the end.
 */
final class GradientBatches {
  static final int BATCH = 64;

  private GradientBatches() {}

  /** Called after each batch's backward pass, with the model's gradients filled in. */
  @FunctionalInterface
  interface AfterBatch {
    void accept();
  }

  /** Returns how many batches ran. */
  static int run(Model model, Dataset data, int batches, long seed, AfterBatch after) {
    int batch = Math.min(BATCH, data.n());
    int[] order = Batches.permutation(data.n(), seed, 0);
    float[] x = new float[batch * data.features()];
    int[] y = new int[batch];
    Loss loss = Loss.crossEntropy();
    int used = 0;
    for (int b = 0; b < batches && (b + 1) * batch <= data.n(); b++, used++) {
      Batches.gather(data, order, b * batch, (b + 1) * batch, x, y);
      model.graph().parameters().values().forEach(Parameter::zeroGrad);
      Tensor out = model.forward(new Tensor(Shapes.batched(batch, data.sampleShape()), x),
          Context.EVAL);
      Tensor grad = Tensor.zeros(out.shape());
      loss.compute(out, y, grad);
      model.graph().backward(grad);
      after.accept();
    }
    model.graph().parameters().values().forEach(Parameter::zeroGrad);
    return used;
  }
}
