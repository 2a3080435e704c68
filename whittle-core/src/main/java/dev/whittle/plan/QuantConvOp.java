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
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /** Bytes of patches per chunk of samples: one GEMM covers every sample of a chunk. */
  private static final int CHUNK_BYTES = 4 << 20;

  private static final class Scratch {
    byte[] x = new byte[0];
    byte[] patches = new byte[0];
    int[] acc = new int[0];
    int[] patchSum = new int[0];
    float[] scale = new float[0];
    int[] zp = new int[0];
    final float[] oneScale = new float[1];
    final int[] oneZp = new int[1];
    final int[] oneSum = new int[1];

    void ensure(int inSize, int samples, int sp, int k, int oc) {
      if (x.length < inSize) {
        x = new byte[inSize];
      }
      if (patches.length < samples * sp * k) {
        patches = new byte[samples * sp * k];
        acc = new int[oc * samples * sp];
        patchSum = new int[samples * sp];
        scale = new float[samples];
        zp = new int[samples];
      }
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
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    int inSize = c * h * w;
    int sp = oh * ow;
    int outSize = oc * sp;
    int chunk = Math.max(1, Math.min(n, CHUNK_BYTES / Math.max(1, sp * k)));
    Scratch s = scratch.get();
    s.ensure(inSize, chunk, sp, k, oc);
    for (int s0 = 0; s0 < n; s0 += chunk) {
      int cs = Math.min(chunk, n - s0);
      int first = s0;
      for (int r = 0; r < cs; r++) {
        codes.encode(inputs[0], (s0 + r) * inSize, 1, inSize, s.x, s.oneScale, s.oneZp, s.oneSum);
        s.scale[r] = s.oneScale[0];
        s.zp[r] = s.oneZp[0];
        unfold(s.x, (byte) s.zp[r], s.patches, r * sp * k, s.patchSum, r * sp);
      }
      // acc (oc, cs * sp): the transposed product, one row per output channel
      int m = cs * sp;
      weights.multiply(m, s.patches, k, s.acc, 1, m);
      Parallel.forRange(cs, (r0, r1) -> {
        for (int r = r0; r < r1; r++) {
          int sample = first + r;
          for (int f = 0; f < oc; f++) {
            float mul = s.scale[r] * scale[f];
            int off = sample * outSize + f * sp;
            for (int p = 0; p < sp; p++) {
              int acc = codes.exact(s.acc[f * m + r * sp + p], s.zp[r], s.patchSum[r * sp + p],
                  weights, f);
              y[off + p] = (float) acc * mul + bias[f];
            }
          }
          Epilogue.apply(epilogue, y, sample * outSize, outSize);
        }
      });
    }
  }

  /** Patches (oh * ow, c * kh * kw) of one sample's codes; outside the image: the zero point. */
  private void unfold(byte[] x, byte zero, byte[] patches, int pOff, int[] patchSum, int sOff) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int p = oy * ow + ox;
        int base = pOff + p * k;
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
        patchSum[sOff + p] = total;
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
