package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * VectorOps against VectorOpsReference: bit-exact for the element-wise ops and sumRows (same
 * rounding, same order); dot within 1e-5 * (1 + sum |x y|).
 */
class VectorOpsTest {

  private static final int[] SIZES = {0, 1, 3, 8, 17, 32, 100, 257, 1000};

  @Test
  void addBiasRowsMatchesReference() {
    for (int rows : new int[] {1, 3, 17}) {
      for (int cols : SIZES) {
        float[] y = random(rows * 31L + cols, rows * cols);
        float[] bias = random(cols, cols);
        float[] ref = y.clone();
        VectorOps.addBiasRows(y, rows, cols, bias);
        VectorOpsReference.addBiasRows(ref, rows, cols, bias);
        assertArrayEquals(ref, y, rows + "x" + cols);
      }
    }
  }

  @Test
  void reluMatchesReferenceIncludingNanAndNegativeZero() {
    for (int len : SIZES) {
      float[] y = random(len, len + 5);
      if (len > 2) {
        y[3] = Float.NaN;
        y[1] = -0f;
      }
      float[] ref = y.clone();
      VectorOps.reluInPlace(y, 2, len);
      VectorOpsReference.reluInPlace(ref, 2, len);
      assertArrayEquals(ref, y, "len " + len);
    }
    float[] y = {-0f, Float.NaN, -3f, 2f};
    VectorOps.reluInPlace(y, 0, 4);
    assertEquals(0f, y[0]);
    assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(y[0]));
    assertTrue(Float.isNaN(y[1]));
    assertEquals(0f, y[2]);
    assertEquals(2f, y[3]);
  }

  @Test
  void reluBackwardMatchesReferenceIncludingNanAndZeros() {
    for (int len : SIZES) {
      float[] x = random(len, len + 5);
      float[] g = random(len + 1, len + 5);
      if (len > 3) {
        x[2] = Float.NaN;
        x[3] = -0f;
        x[4] = 0f;
        g[5] = -0f;
        x[5] = 1f;
      }
      float[] d = random(len + 2, len + 5);
      float[] ref = d.clone();
      VectorOps.reluBackward(x, g, d, 2, len);
      VectorOpsReference.reluBackward(x, g, ref, 2, len);
      assertArrayEquals(ref, d, "len " + len);
    }
    float[] d = new float[4];
    float[] x = {Float.NaN, -0f, 0f, 1f};
    VectorOps.reluBackward(x, new float[] {1f, 1f, 1f, -0f}, d, 0, 4);
    assertArrayEquals(new float[] {0f, 0f, 0f, -0f}, d);
  }

  @Test
  void sumRowsIsExactlyTheOrderedScalarSum() {
    for (int rows : new int[] {0, 1, 3, 64, 100}) {
      for (int cols : SIZES) {
        float[] g = random(rows * 7L + cols, rows * cols);
        float[] out = random(1, cols); // overwritten
        float[] ref = new float[cols];
        VectorOps.sumRows(g, rows, cols, out);
        VectorOpsReference.sumRows(g, rows, cols, ref);
        assertArrayEquals(ref, out, rows + "x" + cols);
      }
    }
  }

  @Test
  void axpyMatchesReference() {
    for (int len : SIZES) {
      float[] x = random(len, len + 3);
      float[] y = random(len + 1, len + 4);
      float[] ref = y.clone();
      VectorOps.axpy(0.37f, x, 3, y, 1, len);
      VectorOpsReference.axpy(0.37f, x, 3, ref, 1, len);
      assertArrayEquals(ref, y, "len " + len);
    }
  }

  @Test
  void dotMatchesReferenceWithinTolerance() {
    for (int len : new int[] {0, 1, 3, 7, 8, 17, 31, 32, 33, 100, 257, 1000, 4099}) {
      float[] x = random(len, len + 2);
      float[] y = random(len + 9, len + 1);
      float fast = VectorOps.dot(x, 2, y, 1, len);
      float ref = VectorOpsReference.dot(x, 2, y, 1, len);
      double scale = 0;
      for (int i = 0; i < len; i++) {
        scale += Math.abs((double) x[2 + i] * y[1 + i]);
      }
      assertTrue(Math.abs(fast - ref) <= 1e-5 * (1 + scale),
          "len " + len + ": " + fast + " vs " + ref);
    }
  }
}
