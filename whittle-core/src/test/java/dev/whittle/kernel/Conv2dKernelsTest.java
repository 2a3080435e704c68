package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.abs;
import static dev.whittle.kernel.KernelAsserts.assertClose;
import static dev.whittle.kernel.KernelAsserts.random;
import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Conv2dKernels against the direct loops of Conv2dReference. Tolerance: |fast - ref| <= 1e-4 *
 * (1 + sum of |terms|), the sum computed by the reference on absolute values. The forward pass is
 * also checked bit for bit against im2col + Gemm.sgemm, the blocked GEMM whose arithmetic it keeps.
 */
class Conv2dKernelsTest {

  /** One conv problem. */
  private record Shape(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph,
      int pw) {
    int oh() {
      return (h + 2 * ph - kh) / sh + 1;
    }

    int ow() {
      return (w + 2 * pw - kw) / sw + 1;
    }

    int inLen() {
      return n * c * h * w;
    }

    int outLen() {
      return n * oc * oh() * ow();
    }

    int wLen() {
      return oc * c * kh * kw;
    }
  }

  private static void checkAll(Shape s, long seed) {
    float[] x = random(seed, s.inLen());
    float[] wt = random(seed + 1, s.wLen());
    float[] bias = random(seed + 2, s.oc());
    float[] go = random(seed + 3, s.outLen());
    String what = s.toString();

    float[] out = random(seed + 4, s.outLen()); // garbage: must be overwritten
    float[] ref = new float[s.outLen()];
    float[] scale = new float[s.outLen()];
    Conv2dKernels.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(), s.sh(),
        s.sw(), s.ph(), s.pw(), bias, out);
    Conv2dReference.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(), s.sh(),
        s.sw(), s.ph(), s.pw(), bias, ref);
    Conv2dReference.forward(abs(x), s.n(), s.c(), s.h(), s.w(), abs(wt), s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), abs(bias), scale);
    assertClose("forward " + what, ref, out, scale);
    Conv2dKernels.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(), s.sh(),
        s.sw(), s.ph(), s.pw(), null, out);
    Conv2dReference.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(), s.sh(),
        s.sw(), s.ph(), s.pw(), null, ref);
    assertClose("forward no bias " + what, ref, out, scale);

    float[] gin = random(seed + 5, s.inLen());
    float[] gref = new float[s.inLen()];
    float[] gscale = new float[s.inLen()];
    Conv2dKernels.backwardInput(go, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), gin);
    Conv2dReference.backwardInput(go, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), gref);
    Conv2dReference.backwardInput(abs(go), s.n(), s.c(), s.h(), s.w(), abs(wt), s.oc(), s.kh(),
        s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), gscale);
    assertClose("backwardInput " + what, gref, gin, gscale);

    float[] gw = random(seed + 6, s.wLen());
    float[] gb = random(seed + 7, s.oc());
    float[] gwRef = new float[s.wLen()];
    float[] gbRef = new float[s.oc()];
    float[] gwScale = new float[s.wLen()];
    float[] gbScale = new float[s.oc()];
    Conv2dKernels.backwardWeight(x, go, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), gw, gb);
    Conv2dReference.backwardWeight(x, go, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), gwRef, gbRef);
    Conv2dReference.backwardWeight(abs(x), abs(go), s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(),
        s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), gwScale, gbScale);
    assertClose("backwardWeight " + what, gwRef, gw, gwScale);
    assertClose("backwardBias " + what, gbRef, gb, gbScale);
    Conv2dKernels.backwardWeight(x, go, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(), s.kw(),
        s.sh(), s.sw(), s.ph(), s.pw(), gw, null);
    assertClose("backwardWeight no bias " + what, gwRef, gw, gwScale);
  }

  @Test
  void matchesDirectLoopsOnRandomShapes() {
    SplittableRandom r = new SplittableRandom(2024);
    int[] sizes = {1, 5, 7, 9, 28};
    int[] kernels = {1, 3, 5};
    for (int t = 0; t < 60; t++) {
      int h = sizes[r.nextInt(sizes.length)];
      int w = r.nextInt(3) == 0 ? sizes[r.nextInt(sizes.length)] : h;
      int kh = kernels[r.nextInt(kernels.length)];
      int kw = r.nextInt(4) == 0 ? kernels[r.nextInt(kernels.length)] : kh;
      int sh = 1 + r.nextInt(2);
      int sw = r.nextInt(4) == 0 ? 3 - sh : sh;
      int ph = r.nextInt(3);
      int pw = r.nextInt(4) == 0 ? r.nextInt(3) : ph;
      if (h + 2 * ph < kh || w + 2 * pw < kw) {
        continue;
      }
      Shape s = new Shape(1 + r.nextInt(3), 1 + r.nextInt(5), h, w, 1 + r.nextInt(5), kh, kw,
          sh, sw, ph, pw);
      checkAll(s, t * 10L);
    }
  }

  @Test
  void matchesDirectLoopsOnEdgeAndChunkedShapes() {
    checkAll(new Shape(2, 3, 8, 8, 4, 1, 1, 1, 1, 0, 0), 1); // 1x1 fast path
    checkAll(new Shape(7, 2, 20, 20, 3, 3, 3, 1, 1, 1, 1), 2); // chunks of 3, 3, 1 samples
    // four chunks of two samples, run in parallel at two threads
    withThreads(2, () -> checkAll(new Shape(8, 2, 28, 28, 4, 3, 3, 1, 1, 1, 1), 7));
    checkAll(new Shape(2, 1, 32, 32, 6, 3, 3, 1, 1, 1, 1), 3); // one sample per chunk
    checkAll(new Shape(3, 16, 14, 14, 32, 3, 3, 2, 2, 1, 1), 4); // bigger GEMMs
    checkAll(new Shape(1, 2, 5, 5, 3, 5, 5, 1, 1, 0, 0), 5); // kernel covers the input
    checkAll(new Shape(2, 2, 6, 7, 2, 2, 3, 3, 2, 2, 1), 6); // stride > kernel
  }

  /** out = bias, then += W x cols per sample, cols from im2col: what ConvGemm fuses. */
  private static float[] im2colThenGemm(Shape s, float[] x, float[] wt, float[] bias) {
    int sp = s.oh() * s.ow();
    int k = s.c() * s.kh() * s.kw();
    float[] out = new float[s.outLen()];
    float[] cols = new float[k * sp];
    for (int t = 0; t < s.n(); t++) {
      Im2col.im2col(x, t * s.c() * s.h() * s.w(), 0, s.c(), s.h(), s.w(), s.kh(), s.kw(), s.sh(),
          s.sw(), s.ph(), s.pw(), s.oh(), s.ow(), cols, 0, sp);
      int o = t * s.oc() * sp;
      for (int f = 0; f < s.oc(); f++) {
        Arrays.fill(out, o + f * sp, o + (f + 1) * sp, bias == null ? 0f : bias[f]);
      }
      Gemm.sgemm(false, false, s.oc(), sp, k, wt, 0, k, cols, 0, sp, 1f, out, o, sp);
    }
    return out;
  }

  private static void checkForwardBits(Shape s, long seed) {
    float[] x = random(seed, s.inLen());
    float[] wt = random(seed + 1, s.wLen());
    float[] bias = random(seed + 2, s.oc());
    for (float[] b : new float[][] {bias, null}) {
      float[] out = random(seed + 3, s.outLen()); // garbage: must be overwritten
      Conv2dKernels.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(), s.sh(),
          s.sw(), s.ph(), s.pw(), b, out);
      assertArrayEquals(im2colThenGemm(s, x, wt, b), out, s + (b == null ? " no bias" : ""));
    }
  }

  /**
   * Shapes whose per-sample GEMM takes the blocked kernel (oc and oh * ow above 2): odd sizes,
   * padding, strides, channel counts that are not multiples of the vector length or of the 4-row
   * tile, k over one 256-deep block, 16-column panels that straddle output rows and samples, and
   * panels split between threads mid-sample.
   */
  @Test
  void forwardEqualsIm2colThenGemmBitForBit() {
    Shape[] shapes = {new Shape(1, 1, 28, 28, 20, 5, 5, 1, 1, 0, 0), // lenet5 conv1
        new Shape(3, 20, 12, 12, 50, 5, 5, 1, 1, 0, 0), // conv2: k = 500, two blocks of k
        new Shape(2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1), // 7x9 outputs: panels cross rows, samples
        new Shape(5, 13, 11, 6, 7, 3, 2, 2, 1, 1, 0), // row stride 2, 13 channels, 7 filters
        new Shape(3, 5, 9, 13, 9, 3, 3, 2, 3, 2, 1), // column stride 3: strided gathers
        new Shape(4, 2, 5, 5, 6, 1, 1, 1, 1, 0, 0), // 1x1
        new Shape(2, 11, 6, 6, 3, 5, 5, 1, 1, 2, 2), // 3 filters: one short tile only
        new Shape(1, 30, 4, 40, 17, 3, 3, 1, 1, 1, 1), // k = 270, long rows
        new Shape(7, 16, 9, 9, 12, 5, 5, 1, 1, 1, 1)}; // 7x7 outputs, big enough to split
    long seed = 500;
    for (Shape s : shapes) {
      checkForwardBits(s, seed);
      withThreads(2, () -> checkForwardBits(s, 17));
      withThreads(3, () -> checkForwardBits(s, 17));
      checkAll(s, seed);
      seed += 10;
    }
    SplittableRandom r = new SplittableRandom(99);
    for (int t = 0; t < 80; t++) {
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      int ph = r.nextInt(3);
      int pw = r.nextInt(3);
      int h = Math.max(1, kh - 2 * ph) + r.nextInt(20);
      int w = Math.max(1, kw - 2 * pw) + r.nextInt(20);
      Shape s = new Shape(1 + r.nextInt(4), 1 + r.nextInt(24), h, w, 3 + r.nextInt(30), kh, kw,
          sh, sw, ph, pw);
      if (s.oh() * s.ow() > 2) {
        checkForwardBits(s, 1000L + t);
      }
    }
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    // one chunk; 2+2+1 chunks in turn; 4 chunks in parallel at 2 threads; big 1x1 samples
    Shape[] shapes = {new Shape(1, 3, 28, 28, 8, 3, 3, 1, 1, 1, 1),
        new Shape(5, 4, 28, 28, 6, 5, 5, 1, 1, 2, 2), new Shape(9, 6, 12, 12, 16, 3, 3, 2, 2, 1, 1),
        new Shape(8, 3, 28, 28, 5, 3, 3, 1, 1, 1, 1), new Shape(4, 8, 40, 40, 8, 1, 1, 1, 1, 0, 0),
        new Shape(5, 16, 9, 9, 12, 5, 5, 1, 1, 1, 1)}; // forward panels split mid-sample
    long seed = 77;
    for (Shape s : shapes) {
      float[] x = random(seed++, s.inLen());
      float[] wt = random(seed++, s.wLen());
      float[] bias = random(seed++, s.oc());
      float[] go = random(seed++, s.outLen());
      float[][] results = new float[3][];
      for (int t = 1; t <= 3; t++) {
        float[] out = new float[s.outLen()];
        float[] gin = new float[s.inLen()];
        float[] gw = new float[s.wLen()];
        float[] gb = new float[s.oc()];
        withThreads(t, () -> {
          Conv2dKernels.forward(x, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(),
              s.sh(), s.sw(), s.ph(), s.pw(), bias, out);
          Conv2dKernels.backwardInput(go, s.n(), s.c(), s.h(), s.w(), wt, s.oc(), s.kh(), s.kw(),
              s.sh(), s.sw(), s.ph(), s.pw(), gin);
          Conv2dKernels.backwardWeight(x, go, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(),
              s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), gw, gb);
        });
        float[] all = Arrays.copyOf(out, out.length + gin.length + gw.length + gb.length);
        System.arraycopy(gin, 0, all, out.length, gin.length);
        System.arraycopy(gw, 0, all, out.length + gin.length, gw.length);
        System.arraycopy(gb, 0, all, out.length + gin.length + gw.length, gb.length);
        results[t - 1] = all;
      }
      assertArrayEquals(results[0], results[1], s + ": 1 vs 2 threads");
      assertArrayEquals(results[0], results[2], s + ": 1 vs 3 threads");
    }
  }

  @Test
  void rejectsBadShapes() {
    float[] x = new float[100];
    assertThrows(IllegalArgumentException.class, () -> Conv2dKernels.forward(x, 1, 1, 3, 3, x, 1,
        5, 5, 1, 1, 0, 0, null, x)); // kernel larger than input
    assertThrows(IllegalArgumentException.class, () -> Conv2dKernels.forward(x, 1, 1, 3, 3, x, 1,
        3, 3, 0, 1, 0, 0, null, x)); // zero stride
    assertThrows(IllegalArgumentException.class, () -> Conv2dKernels.forward(x, 1, 4, 9, 9, x, 1,
        3, 3, 1, 1, 0, 0, null, x)); // x too short
  }
}
