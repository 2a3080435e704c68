package dev.whittle.plan;

import dev.whittle.kernel.Conv2dKernels;

/** Convolution over (n, c, h, w) with BatchNorm folded in and the activation fused. */
final class ConvOp implements Op {
  private final int c;
  private final int h;
  private final int w;
  private final int oc;
  private final int kh;
  private final int kw;
  private final int stride;
  private final int pad;
  private final int outSize; // oc * oh * ow
  private final float[] weight; // (oc, c, k, k)
  private final float[] bias; // (oc)
  private final Epilogue epilogue;
  private final long macs;

  ConvOp(int[] inShape, int[] outShape, int kh, int kw, int stride, int pad, float[] weight,
      float[] bias, Epilogue epilogue) {
    this.c = inShape[0];
    this.h = inShape[1];
    this.w = inShape[2];
    this.oc = outShape[0];
    this.kh = kh;
    this.kw = kw;
    this.stride = stride;
    this.pad = pad;
    this.outSize = outShape[0] * outShape[1] * outShape[2];
    this.weight = weight;
    this.bias = bias;
    this.epilogue = epilogue;
    this.macs = (long) outSize * c * kh * kw;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    Conv2dKernels.forward(inputs[0], n, c, h, w, weight, oc, kh, kw, stride, stride, pad, pad, bias,
        y);
    Epilogue.apply(epilogue, y, 0, n * outSize);
  }

  @Override
  public long macs() {
    return macs;
  }

  @Override
  public String describe() {
    return "conv " + kh + "x" + kw + " " + c + "->" + oc + " f32" + Epilogue.describe(epilogue);
  }
}
