package dev.whittle.kernel;

/**
 * Plain scalar versions of {@link VectorOps}: the oracle the vector paths are tested against and
 * what runs under -Dwhittle.kernels=scalar. addBiasRows, reluInPlace, reluBackward, sumRows and
 * axpy give the same bits as the vector paths (one rounding per element, same order); dot
 * accumulates in double, so it is a more exact oracle than the vector sum.
 */
public final class VectorOpsReference {

  private VectorOpsReference() {}

  /** y (rows, cols) row-major: y[r][c] += bias[c]. */
  public static void addBiasRows(float[] y, int rows, int cols, float[] bias) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        y[r * cols + c] += bias[c];
      }
    }
  }

  /** y[i] = max(y[i], 0) with Math.max semantics (NaN stays NaN, -0 becomes 0). */
  public static void reluInPlace(float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      y[i] = Math.max(y[i], 0f);
    }
  }

  /** d[i] = x[i] > 0 ? g[i] : 0. */
  public static void reluBackward(float[] x, float[] g, float[] d, int off, int len) {
    for (int i = off; i < off + len; i++) {
      d[i] = x[i] > 0f ? g[i] : 0f;
    }
  }

  /** out[c] = sum over r in order of g[r][c], starting from +0. */
  public static void sumRows(float[] g, int rows, int cols, float[] out) {
    for (int c = 0; c < cols; c++) {
      float s = 0f;
      for (int r = 0; r < rows; r++) {
        s += g[r * cols + c];
      }
      out[c] = s;
    }
  }

  /** y[yOff + i] = fma(a, x[xOff + i], y[yOff + i]). */
  public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
    }
  }

  /** sum of x[xOff + i] * y[yOff + i], accumulated in double. */
  public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) x[xOff + i] * y[yOff + i];
    }
    return (float) s;
  }
}
