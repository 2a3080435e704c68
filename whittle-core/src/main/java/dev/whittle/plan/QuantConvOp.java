package dev.whittle.plan;

import dev.whittle.kernel.Parallel;

/**
 * A convolution on integers: each sample's input becomes unsigned codes, unfolded into patches
 * (padding takes the zero point's code, whose integer is 0), multiplied by the integer weights
 * with exact int32 sums, then scaled per channel in float32 as the layer's simulation does.
 */
final class QuantConvOp implements Op {
  private final int c;
  private final int h;
  private final int w;
  private final int oc;
  private final int oh;
  private final int ow;
  private final int kh;
  private final int kw;
  private final int stride;
  private final int pad;
  private final int k;
  private final IntWeights weights;
  private final float[] scale;
  private final float[] bias;
  private final Epilogue epilogue;
  private final InputCodes codes;
  private final ThreadLocal<Scratch> scratch;

  private static final class Scratch {
    final byte[] x;
    final byte[] patches;
    final int[] acc;
    final int[] patchSum;

    Scratch(int inSize, int sp, int k, int oc) {
      x = new byte[inSize];
      patches = new byte[sp * k];
      acc = new int[oc * sp];
      patchSum = new int[sp];
    }
  }

  QuantConvOp(int[] inShape, int[] outShape, int kh, int kw, int stride, int pad,
      IntWeights weights, float[] scale, float[] bias, Epilogue epilogue, InputCodes codes) {
    this.c = inShape[0];
    this.h = inShape[1];
    this.w = inShape[2];
    this.oc = outShape[0];
    this.oh = outShape[1];
    this.ow = outShape[2];
    this.kh = kh;
    this.kw = kw;
    this.stride = stride;
    this.pad = pad;
    this.k = c * kh * kw;
    this.weights = weights;
    this.scale = scale;
    this.bias = bias;
    this.epilogue = epilogue;
    this.codes = codes;
    int inSize = c * h * w;
    int sp = oh * ow;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(inSize, sp, k, oc));
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    int inSize = c * h * w;
    int sp = oh * ow;
    int outSize = oc * sp;
    Parallel.forRange(n, (s0, s1) -> {
      Scratch s = scratch.get();
      float[] rs = new float[1];
      int[] zp = new int[1];
      int[] sum = new int[1];
      for (int r = s0; r < s1; r++) {
        codes.encode(inputs[0], r * inSize, 1, inSize, s.x, rs, zp, sum);
        unfold(s.x, (byte) zp[0], s.patches, s.patchSum);
        weights.multiply(sp, s.patches, k, s.acc, 1, sp);
        for (int f = 0; f < oc; f++) {
          float m = rs[0] * scale[f];
          int off = r * outSize + f * sp;
          for (int p = 0; p < sp; p++) {
            int acc = codes.exact(s.acc[f * sp + p], zp[0], s.patchSum[p], weights, f);
            y[off + p] = (float) acc * m + bias[f];
          }
        }
        Epilogue.apply(epilogue, y, r * outSize, outSize);
      }
    });
  }

  /** Patches (oh * ow, c * kh * kw) of one sample's codes; outside the image: the zero point. */
  private void unfold(byte[] x, byte zero, byte[] patches, int[] patchSum) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int p = oy * ow + ox;
        int base = p * k;
        int total = 0;
        int q = 0;
        for (int ch = 0; ch < c; ch++) {
          for (int i = 0; i < kh; i++) {
            int yy = oy * stride - pad + i;
            for (int j = 0; j < kw; j++) {
              int xx = ox * stride - pad + j;
              byte v = yy >= 0 && yy < h && xx >= 0 && xx < w ? x[(ch * h + yy) * w + xx] : zero;
              patches[base + q++] = v;
              total += v & 0xFF;
            }
          }
        }
        patchSum[p] = total;
      }
    }
  }

  @Override
  public long macs() {
    return (long) oc * oh * ow * k;
  }

  @Override
  public String describe() {
    return "conv " + kh + "x" + kw + " " + c + "->" + oc + " " + weights.describe() + " x "
        + codes.describe() + Epilogue.describe(epilogue);
  }
}
