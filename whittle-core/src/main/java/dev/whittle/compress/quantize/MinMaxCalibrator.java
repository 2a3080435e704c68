package dev.whittle.compress.quantize;

import java.util.Objects;

/** The exact minimum and maximum seen: nothing is clipped, outliers stretch the scale. */
public final class MinMaxCalibrator implements Calibrator {
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;

  @Override
  public void observe(float[] x, int off, int len) {
    Objects.checkFromIndexSize(off, len, x.length);
    for (int i = off; i < off + len; i++) {
      if (Float.isFinite(x[i])) {
        min = Math.min(min, x[i]);
        max = Math.max(max, x[i]);
      }
    }
  }

  @Override
  public float[] range() {
    if (min > max) {
      throw new IllegalStateException("no finite values observed");
    }
    return new float[] {min, max};
  }

  @Override
  public String name() {
    return "minmax";
  }
}
