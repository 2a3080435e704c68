package dev.whittle.nn;

import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.Map;

/** (n, d1, d2, ...) to (n, d1 * d2 * ...), as a view: no copy. */
public final class Flatten implements Layer {
  private int[] inShape;

  @Override
  public String kind() {
    return "flatten";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    return new int[] {Math.toIntExact(Shapes.size(inputShapes[0]))};
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    inShape = x.shape();
    return x.reshape(x.dim(0), x.sampleSize());
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    return new Tensor[] {needInputGrad ? gradOut.reshape(inShape) : null};
  }

  @Override
  public Map<String, Object> config() {
    return Map.of();
  }
}
