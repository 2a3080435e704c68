package dev.whittle.data;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;

/**
 * Shifts every image of a batch by its own random (dy, dx), each uniform in [-pixels, pixels],
 * the same shift for all of an image's channels; what comes in at the border is zero (the
 * background of MNIST-like images).
 */
record Jitter(int pixels) implements Augmentation {
  Jitter {
    if (pixels < 1) {
      throw new InputException("jitter needs at least 1 pixel, got " + pixels);
    }
  }

  @Override
  public void applyInPlace(float[] x, int n, int[] sampleShape, long seed) {
    if (sampleShape.length < 2) {
      throw new InputException("jitter shifts images, but a sample here has shape "
          + dev.whittle.tensor.Shapes.format(sampleShape));
    }
    int h = sampleShape[sampleShape.length - 2];
    int w = sampleShape[sampleShape.length - 1];
    int planes = 1;
    for (int i = 0; i < sampleShape.length - 2; i++) {
      planes *= sampleShape[i];
    }
    float[] src = new float[h * w];
    Rng rng = new Rng(seed);
    for (int s = 0; s < n; s++) {
      int dy = rng.nextInt(2 * pixels + 1) - pixels;
      int dx = rng.nextInt(2 * pixels + 1) - pixels;
      for (int c = 0; c < planes; c++) {
        int off = (s * planes + c) * h * w;
        System.arraycopy(x, off, src, 0, h * w);
        shift(src, x, off, h, w, dy, dx);
      }
    }
  }

  /** out(r, c) = src(r - dy, c - dx), zero outside. */
  static void shift(float[] src, float[] out, int off, int h, int w, int dy, int dx) {
    for (int r = 0; r < h; r++) {
      int sr = r - dy;
      int row = off + r * w;
      if (sr < 0 || sr >= h) {
        java.util.Arrays.fill(out, row, row + w, 0f);
        continue;
      }
      int from = Math.max(0, dx);
      int to = Math.min(w, w + dx);
      java.util.Arrays.fill(out, row, row + from, 0f);
      System.arraycopy(src, sr * w + from - dx, out, row + from, to - from);
      java.util.Arrays.fill(out, row + to, row + w, 0f);
    }
  }
}
