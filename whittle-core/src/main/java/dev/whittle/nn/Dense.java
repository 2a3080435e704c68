package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.VectorOps;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fully connected: y = x W^T + b, with W of shape (out, in) as in PyTorch and ONNX Gemm with
 * transB. Any input rank is read as (n, in), so a Dense may follow an image directly.
 */
public final class Dense implements Layer {
  private final int in;
  private final int out;
  private final Parameter weight; // (out, in)
  private final Parameter bias; // (out), or null
  private Tensor input; // (n, in), kept for backward
  private Tensor output;
  private Tensor gradIn;

  public Dense(int in, int out, boolean hasBias) {
    if (in <= 0 || out <= 0) {
      throw new InputException("dense layer needs positive sizes, got " + in + " -> " + out);
    }
    this.in = in;
    this.out = out;
    this.weight = new Parameter("weight", Tensor.zeros(out, in));
    this.bias = hasBias ? new Parameter("bias", Tensor.zeros(out)) : null;
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  public String kind() {
    return "dense";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    long features = Shapes.size(inputShapes[0]);
    if (features != in) {
      throw new InputException(
          "dense layer expects " + in + " input features, got "
              + Shapes.format(inputShapes[0]) + " (" + features + ")");
    }
    return new int[] {out};
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    int n = x.dim(0);
    input = x;
    output = Tensor.reuse(output, n, out);
    float[] y = output.data();
    Gemm.sgemm(false, true, n, out, in, x.data(), 0, in, weight.value().data(), 0, in, 0f, y, 0, out);
    if (bias != null) {
      VectorOps.addBiasRows(y, n, out, bias.value().data());
    }
    return output;
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    int n = gradOut.dim(0);
    float[] g = gradOut.data();
    // dW (out, in) += g^T (out, n) x (n, in)
    Gemm.sgemm(true, false, out, in, n, g, 0, out, input.data(), 0, in, 1f, weight.grad().data(), 0, in);
    if (bias != null) {
      float[] db = new float[out];
      VectorOps.sumRows(g, n, out, db);
      float[] bg = bias.grad().data();
      for (int j = 0; j < out; j++) {
        bg[j] += db[j];
      }
    }
    if (!needInputGrad) {
      return new Tensor[] {null};
    }
    gradIn = Tensor.reuse(gradIn, input.shape());
    // dx (n, in) = g (n, out) x W (out, in)
    Gemm.sgemm(false, false, n, in, out, g, 0, out, weight.value().data(), 0, in, 0f, gradIn.data(), 0, in);
    return new Tensor[] {gradIn};
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>();
    ps.add(weight);
    if (bias != null) {
      ps.add(bias);
    }
    return ps;
  }

  @Override
  public long macs(int[][] inputShapes) {
    return (long) in * out;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("in", (long) in);
    c.put("out", (long) out);
    c.put("bias", bias != null ? 1L : 0L);
    return c;
  }
}
