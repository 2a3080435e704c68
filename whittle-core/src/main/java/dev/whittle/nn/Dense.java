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
  private InputQuantizer inputQuant; // quantizes the input, or null
  private Tensor rawInput; // the unquantized input, for the straight-through estimator
  private float[] codes;
  private float[] rowScale;
  private Tensor dequant;

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

  /** The quantizer of this layer's input, or null when the input stays float. */
  public InputQuantizer inputQuantizer() {
    return inputQuant;
  }

  /** Quantizes this layer's input from now on; null goes back to float. */
  public void setInputQuantizer(InputQuantizer q) {
    this.inputQuant = q;
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
    rawInput = null;
    output = Tensor.reuse(output, n, out);
    float[] y = output.data();
    if (inputQuant != null) {
      if (!inputQuant.active()) {
        inputQuant.observe(x.data(), n * in);
      } else {
        forwardQuantized(x, n, y, ctx);
        return output;
      }
    }
    Gemm.sgemm(false, true, n, out, in, x.data(), 0, in, weight.value().data(), 0, in, 0f, y, 0, out);
    if (bias != null) {
      VectorOps.addBiasRows(y, n, out, bias.value().data());
    }
    return output;
  }

  private void forwardQuantized(Tensor x, int n, float[] y, Context ctx) {
    if (codes == null || codes.length != n * in) {
      codes = new float[n * in];
      rowScale = new float[n];
    }
    inputQuant.quantize(x.data(), n, in, codes, rowScale, ctx.training());
    rawInput = x;
    dequant = QuantizedCompute.dequantized(dequant, new int[] {n, in}, codes, n, in, rowScale);
    input = dequant;
    QuantizedWeights qw = QuantizedCompute.weights(weight);
    float[] b = bias == null ? null : bias.value().data();
    if (qw != null && qw.exact()) {
      QuantizedCompute.dense(codes, n, in, QuantizedCompute.integers(qw, weight.value().data()), out, y);
      QuantizedCompute.rescale(y, n, out, 1, rowScale, qw.scale(), b);
    } else {
      Gemm.sgemm(false, true, n, out, in, input.data(), 0, in, weight.value().data(), 0, in, 0f, y,
          0, out);
      if (b != null) {
        VectorOps.addBiasRows(y, n, out, b);
      }
    }
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
    gradIn = Tensor.reuse(gradIn, (rawInput != null ? rawInput : input).shape());
    // dx (n, in) = g (n, out) x W (out, in)
    Gemm.sgemm(false, false, n, in, out, g, 0, out, weight.value().data(), 0, in, 0f, gradIn.data(), 0, in);
    if (rawInput != null) {
      inputQuant.gradient(rawInput.data(), n, in, gradIn.data());
    }
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
    InputQuantizers.putConfig(c, inputQuant);
    return c;
  }

  @Override
  public Map<String, Tensor> buffers() {
    return InputQuantizers.buffers(inputQuant);
  }
}
