package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.kernel.Conv2dKernels;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** 2-D convolution over (n, c, h, w) with weight (oc, ic, kh, kw), stride and zero padding. */
public final class Conv2d implements Layer {
  private final int ic;
  private final int oc;
  private final int kh;
  private final int kw;
  private final int stride;
  private final int pad;
  private final Parameter weight; // (oc, ic, kh, kw)
  private final Parameter bias; // (oc), or null
  private Tensor input;
  private Tensor output;
  private Tensor gradIn;
  private InputQuantizer inputQuant; // quantizes the input, or null
  private Tensor rawInput; // the unquantized input, for the straight-through estimator
  private float[] codes;
  private float[] rowScale;
  private Tensor dequant;

  public Conv2d(int ic, int oc, int kh, int kw, int stride, int pad, boolean hasBias) {
    if (ic <= 0 || oc <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || pad < 0) {
      throw new InputException(
          "conv2d needs positive channels, kernel and stride and a non-negative padding, got ic="
              + ic + " oc=" + oc + " kernel=" + kh + "x" + kw + " stride=" + stride + " pad=" + pad);
    }
    this.ic = ic;
    this.oc = oc;
    this.kh = kh;
    this.kw = kw;
    this.stride = stride;
    this.pad = pad;
    this.weight = new Parameter("weight", Tensor.zeros(oc, ic, kh, kw));
    this.bias = hasBias ? new Parameter("bias", Tensor.zeros(oc)) : null;
  }

  public int inChannels() {
    return ic;
  }

  public int outChannels() {
    return oc;
  }

  public int kernelH() {
    return kh;
  }

  public int kernelW() {
    return kw;
  }

  public int stride() {
    return stride;
  }

  public int pad() {
    return pad;
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
    return "conv2d";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    int[] s = inputShapes[0];
    if (s.length != 3 || s[0] != ic) {
      throw new InputException(
          "conv2d expects input (" + ic + ", h, w), got " + Shapes.format(s));
    }
    int oh = (s[1] + 2 * pad - kh) / stride + 1;
    int ow = (s[2] + 2 * pad - kw) / stride + 1;
    if (s[1] + 2 * pad < kh || s[2] + 2 * pad < kw) {
      throw new InputException(
          "conv2d kernel " + kh + "x" + kw + " is larger than its padded input " + Shapes.format(s));
    }
    return new int[] {oc, oh, ow};
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    input = x;
    int n = x.dim(0);
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = (h + 2 * pad - kh) / stride + 1;
    int ow = (w + 2 * pad - kw) / stride + 1;
    output = Tensor.reuse(output, n, oc, oh, ow);
    rawInput = null;
    if (inputQuant != null) {
      if (!inputQuant.active()) {
        inputQuant.observe(x.data(), x.size());
      } else {
        forwardQuantized(x, n, h, w, oh * ow, ctx);
        return output;
      }
    }
    Conv2dKernels.forward(x.data(), n, ic, h, w, weight.value().data(), oc, kh, kw, stride, stride,
        pad, pad, bias == null ? null : bias.value().data(), output.data());
    return output;
  }

  private void forwardQuantized(Tensor x, int n, int h, int w, int spatial, Context ctx) {
    int rowLen = ic * h * w;
    if (codes == null || codes.length != n * rowLen) {
      codes = new float[n * rowLen];
      rowScale = new float[n];
    }
    inputQuant.quantize(x.data(), n, rowLen, codes, rowScale, ctx.training());
    rawInput = x;
    dequant = QuantizedCompute.dequantized(dequant, x.shape(), codes, n, rowLen, rowScale);
    input = dequant;
    QuantizedWeights qw = QuantizedCompute.weights(weight);
    float[] b = bias == null ? null : bias.value().data();
    float[] y = output.data();
    if (qw != null && qw.exact()) {
      QuantizedCompute.conv(this, codes, n, h, w, QuantizedCompute.integers(qw, weight.value().data()), y);
      QuantizedCompute.rescale(y, n, oc, spatial, rowScale, qw.scale(), b);
    } else {
      Conv2dKernels.forward(dequant.data(), n, ic, h, w, weight.value().data(), oc, kh, kw, stride,
          stride, pad, pad, b, y);
    }
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    int n = input.dim(0);
    int h = input.dim(2);
    int w = input.dim(3);
    float[] gw = new float[weight.size()];
    float[] gb = bias == null ? null : new float[oc];
    Conv2dKernels.backwardWeight(input.data(), gradOut.data(), n, ic, h, w, oc, kh, kw, stride,
        stride, pad, pad, gw, gb);
    addInto(weight.grad().data(), gw);
    if (bias != null) {
      addInto(bias.grad().data(), gb);
    }
    if (!needInputGrad) {
      return new Tensor[] {null};
    }
    gradIn = Tensor.reuse(gradIn, input.shape());
    Conv2dKernels.backwardInput(gradOut.data(), n, ic, h, w, weight.value().data(), oc, kh, kw,
        stride, stride, pad, pad, gradIn.data());
    return new Tensor[] {gradIn};
  }

  private static void addInto(float[] acc, float[] v) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += v[i];
    }
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
    int[] o = outputShape(inputShapes);
    return (long) oc * ic * kh * kw * o[1] * o[2];
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("in_channels", (long) ic);
    c.put("out_channels", (long) oc);
    c.put("kernel", new long[] {kh, kw});
    c.put("stride", (long) stride);
    c.put("pad", (long) pad);
    c.put("bias", bias != null ? 1L : 0L);
    InputQuantizers.putConfig(c, inputQuant);
    return c;
  }

  @Override
  public Map<String, Tensor> buffers() {
    return InputQuantizers.buffers(inputQuant);
  }
}
