package dev.whittle.kernel;

import java.util.Arrays;

/**
 * 2-D convolution as GEMMs. Layout NCHW, weight (oc, c, kh, kw), zero padding, OH = (H + 2ph -
 * KH) / sh + 1 and OW likewise.
 *
 * <p>The forward pass is one blocked GEMM over the whole batch whose B panels are packed straight
 * from the image ({@link ConvGemm}). The gradients go through im2col / col2im and {@link Gemm}:
 * samples are processed in chunks whose size depends on the shape alone (enough GEMM columns to
 * run at speed when oh * ow is small, bounded memory): a chunk's column matrices sit side by side,
 * (c kh kw, chunk * oh * ow), so each chunk is one GEMM. The input gradient treats chunks
 * independently: in parallel when there are at least two per thread (single-threaded GEMMs), else
 * in turn with each GEMM split over threads. The weight gradient accumulates the chunks in sample
 * order. Every output element is computed the same way for any thread count, so results are
 * bit-identical.
 */
public final class Conv2dKernels {

  /** Below this many column-matrix elements, im2col / col2im run on the calling thread. */
  private static final long PARALLEL_COLS = 1L << 15;
  /** Aim for at least this many GEMM columns (samples * oh * ow) per chunk. */
  private static final int CHUNK_COLUMNS = 1024;
  /** At most this many floats of column matrix per chunk (16 MB). */
  private static final long CHUNK_FLOATS = 1L << 22;

  private Conv2dKernels() {}

  /** out (n, oc, oh, ow) = conv(x (n, c, h, w), weight (oc, c, kh, kw)) + bias (oc, nullable). */
  public static void forward(float[] x, int n, int c, int h, int w, float[] weight, int oc,
      int kh, int kw, int sh, int sw, int ph, int pw, float[] bias, float[] out) {
    ConvGeom g = new ConvGeom(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    Im2col.checkLength("x", x, (long) n * g.inSize);
    Im2col.checkLength("weight", weight, (long) oc * g.k);
    Im2col.checkLength("out", out, (long) n * g.outSize);
    if (bias != null) {
      Im2col.checkLength("bias", bias, oc);
    }
    if (Kernels.scalar()) {
      Conv2dReference.forward(x, n, c, h, w, weight, oc, kh, kw, sh, sw, ph, pw, bias, out);
      return;
    }
    ConvGemm.forward(g, x, n, weight, bias, out);
  }

  /** gradIn (n, c, h, w) = conv^T(gradOut (n, oc, oh, ow), weight); overwritten. */
  public static void backwardInput(float[] gradOut, int n, int c, int h, int w, float[] weight,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradIn) {
    ConvGeom g = new ConvGeom(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    Im2col.checkLength("gradOut", gradOut, (long) n * g.outSize);
    Im2col.checkLength("weight", weight, (long) oc * g.k);
    Im2col.checkLength("gradIn", gradIn, (long) n * g.inSize);
    if (Kernels.scalar()) {
      Conv2dReference.backwardInput(gradOut, n, c, h, w, weight, oc, kh, kw, sh, sw, ph, pw,
          gradIn);
      return;
    }
    int chunk = chunkSize(n, g.k, g.sp);
    forChunks(n, chunk, (s0, s1) -> {
      int cw = (s1 - s0) * g.sp;
      if (s1 - s0 == 1 && g.identity) {
        // gradIn_s (c, h*w) = W^T (c, oc) x gradOut_s (oc, sp)
        Gemm.sgemm(true, false, c, cw, oc, weight, 0, g.k, gradOut, s0 * g.outSize, cw, 0f,
            gradIn, s0 * g.inSize, cw);
        return;
      }
      float[] gch = gradOut;
      int gOff = s0 * g.outSize;
      if (s1 - s0 > 1) {
        gch = ConvBuffers.get(ConvBuffers.STAGE, (long) oc * cw);
        gOff = 0;
        stageGradOut(g, gradOut, s0, s1, gch);
      }
      // cols (k, cw) = W^T (k, oc) x G (oc, cw), then scattered back by col2im
      float[] cols = ConvBuffers.get(ConvBuffers.COLS, (long) g.k * cw);
      Gemm.sgemm(true, false, g.k, cw, oc, weight, 0, g.k, gch, gOff, cw, 0f, cols, 0, cw);
      Arrays.fill(gradIn, s0 * g.inSize, s1 * g.inSize, 0f);
      perUnit(s1 - s0, c, (long) g.k * cw, (t, ci) -> Im2col.col2im(cols, t * g.sp, cw, ci,
          ci + 1, h, w, kh, kw, sh, sw, ph, pw, g.oh, g.ow, gradIn, (s0 + t) * g.inSize));
    });
  }

  /**
   * gradWeight (oc, c, kh, kw) = sum over samples of gradOut_s (oc, sp) x cols_s^T, and gradBias
   * (oc, nullable) = sum of gradOut over samples and positions; both overwritten. Each chunk is
   * one GEMM with k = chunk * sp, accumulated into gradWeight in sample order.
   */
  public static void backwardWeight(float[] x, float[] gradOut, int n, int c, int h, int w,
      int oc, int kh, int kw, int sh, int sw, int ph, int pw, float[] gradWeight,
      float[] gradBias) {
    ConvGeom g = new ConvGeom(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    Im2col.checkLength("x", x, (long) n * g.inSize);
    Im2col.checkLength("gradOut", gradOut, (long) n * g.outSize);
    Im2col.checkLength("gradWeight", gradWeight, (long) oc * g.k);
    if (gradBias != null) {
      Im2col.checkLength("gradBias", gradBias, oc);
    }
    if (Kernels.scalar()) {
      Conv2dReference.backwardWeight(x, gradOut, n, c, h, w, oc, kh, kw, sh, sw, ph, pw,
          gradWeight, gradBias);
      return;
    }
    int chunk = chunkSize(n, g.k, g.sp);
    if (n == 0) {
      Arrays.fill(gradWeight, 0, oc * g.k, 0f);
    }
    for (int s0 = 0; s0 < n; s0 += chunk) {
      int s1 = Math.min(n, s0 + chunk);
      int cw = (s1 - s0) * g.sp; // chunk width: GEMM k
      float[] cols = ConvBuffers.get(ConvBuffers.COLS, (long) g.k * cw);
      float[] gch = s1 - s0 == 1 ? gradOut : ConvBuffers.get(ConvBuffers.STAGE, (long) oc * cw);
      fillColumns(g, x, s0, s1, cols, s1 - s0 == 1 ? null : gradOut, gch);
      int gOff = s1 - s0 == 1 ? s0 * g.outSize : 0;
      // gradW (oc, k) (+)= G (oc, cw) x cols^T (cw, k)
      Gemm.sgemm(false, true, oc, g.k, cw, gch, gOff, cw, cols, 0, cw, s0 == 0 ? 0f : 1f,
          gradWeight, 0, g.k);
    }
    if (gradBias != null) {
      ConvBuffers.biasGrad(gradOut, n, oc, g.sp, gradBias);
    }
  }

  /** Samples per chunk: about CHUNK_COLUMNS GEMM columns, at most CHUNK_FLOATS of columns. */
  static int chunkSize(int n, int k, int sp) {
    long byColumns = (CHUNK_COLUMNS + sp - 1) / sp;
    long byMemory = CHUNK_FLOATS / ((long) k * sp);
    return (int) Math.max(1, Math.min(n, Math.min(byColumns, byMemory)));
  }

  /** Runs body over sample ranges of one chunk each: chunks in parallel if >= 2 per thread. */
  private static void forChunks(int n, int chunk, Parallel.IntRangeBody body) {
    int chunks = (n + chunk - 1) / chunk;
    Parallel.IntRangeBody byChunk = (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        body.run(ch * chunk, Math.min(n, (ch + 1) * chunk));
      }
    };
    if (chunks >= 2 * Parallel.threads()) {
      Parallel.forRange(chunks, byChunk); // nested GEMMs then run inline on each thread
    } else {
      byChunk.run(0, chunks);
    }
  }

  /** A body over (sample in chunk, channel) units. */
  @FunctionalInterface
  private interface UnitBody {
    void run(int t, int ci);
  }

  /** Runs body for every (t, ci), t < g, ci < c; in parallel when the work is large enough. */
  private static void perUnit(int g, int c, long work, UnitBody body) {
    Parallel.IntRangeBody range = (u0, u1) -> {
      for (int u = u0; u < u1; u++) {
        body.run(u / c, u % c);
      }
    };
    if (work < PARALLEL_COLS) {
      range.run(0, g * c);
    } else {
      Parallel.forRange(g * c, range);
    }
  }

  /**
   * cols (k, cw) = the column matrices of samples [s0, s1) side by side; when gradOut is given,
   * also stages those samples' gradOut as gch (oc, cw).
   */
  private static void fillColumns(ConvGeom g, float[] x, int s0, int s1, float[] cols,
      float[] gradOut, float[] gch) {
    int cw = (s1 - s0) * g.sp;
    perUnit(s1 - s0, g.c, (long) g.k * cw, (t, ci) -> {
      Im2col.im2col(x, (s0 + t) * g.inSize, ci, ci + 1, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph,
          g.pw, g.oh, g.ow, cols, t * g.sp, cw);
      if (gradOut != null) {
        for (int f = ci; f < g.oc; f += g.c) { // channel ci stages filters ci, ci + c, ...
          System.arraycopy(gradOut, (s0 + t) * g.outSize + f * g.sp, gch, f * cw + t * g.sp,
              g.sp);
        }
      }
    });
  }

  /** gch (oc, cw) = gradOut of samples [s0, s1) side by side. */
  private static void stageGradOut(ConvGeom g, float[] gradOut, int s0, int s1, float[] gch) {
    int cw = (s1 - s0) * g.sp;
    for (int s = s0; s < s1; s++) {
      for (int f = 0; f < g.oc; f++) {
        System.arraycopy(gradOut, s * g.outSize + f * g.sp, gch, f * cw + (s - s0) * g.sp, g.sp);
      }
    }
  }
}
