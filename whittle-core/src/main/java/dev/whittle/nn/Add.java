package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/** Element-wise sum of two or more inputs of the same shape: a residual connection. */
public final class Add implements Layer {
  private int inputs;
  private Tensor output;

  @Override
  public String kind() {
    return "add";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    if (inputShapes.length < 2) {
      throw new InputException("add needs at least two inputs, got " + inputShapes.length);
    }
    for (int[] s : inputShapes) {
      if (!Arrays.equals(s, inputShapes[0])) {
        throw new InputException("add needs inputs of one shape, got "
            + Shapes.format(inputShapes[0]) + " and " + Shapes.format(s));
      }
    }
    return inputShapes[0].clone();
  }

  @Override
  public Tensor forward(Tensor[] in, Context ctx) {
    inputs = in.length;
    output = Tensor.reuse(output, in[0].shape());
    float[] y = output.data();
    System.arraycopy(in[0].data(), 0, y, 0, y.length);
    for (int k = 1; k < in.length; k++) {
      float[] x = in[k].data();
      for (int i = 0; i < y.length; i++) {
        y[i] += x[i];
      }
    }
    return output;
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    Tensor[] g = new Tensor[inputs];
    Arrays.fill(g, needInputGrad ? gradOut : null);
    return g;
  }

  @Override
  public Map<String, Object> config() {
    return Map.of();
  }
}
