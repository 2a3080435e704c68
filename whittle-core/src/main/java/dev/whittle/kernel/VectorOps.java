package dev.whittle.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small vector operations used by layers; each has a scalar path for {@link Kernels#scalar()}. */
public final class VectorOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorOps() {}

  /** y[r][c] += bias[c] for a (rows, cols) row-major y. */
  public static void addBiasRows(float[] y, int rows, int cols, float[] bias) {
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      int c = 0;
      if (!Kernels.scalar()) {
        for (; c <= cols - S.length(); c += S.length()) {
          FloatVector.fromArray(S, y, base + c).add(FloatVector.fromArray(S, bias, c))
              .intoArray(y, base + c);
        }
      }
      for (; c < cols; c++) {
        y[base + c] += bias[c];
      }
    }
  }

  public static void reluInPlace(float[] y, int off, int len) {
    int i = 0;
    if (!Kernels.scalar()) {
      FloatVector zero = FloatVector.zero(S);
      for (; i <= len - S.length(); i += S.length()) {
        FloatVector.fromArray(S, y, off + i).max(zero).intoArray(y, off + i);
      }
    }
    for (; i < len; i++) {
      y[off + i] = Math.max(y[off + i], 0f);
    }
  }

  /** out[c] = sum over rows of g[r][c], rows added in order (deterministic). */
  public static void sumRows(float[] g, int rows, int cols, float[] out) {
    java.util.Arrays.fill(out, 0, cols, 0f);
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      int c = 0;
      if (!Kernels.scalar()) {
        for (; c <= cols - S.length(); c += S.length()) {
          FloatVector.fromArray(S, out, c).add(FloatVector.fromArray(S, g, base + c))
              .intoArray(out, c);
        }
      }
      for (; c < cols; c++) {
        out[c] += g[base + c];
      }
    }
  }

  /** y += a * x over len values. */
  public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
    int i = 0;
    if (!Kernels.scalar()) {
      FloatVector va = FloatVector.broadcast(S, a);
      for (; i <= len - S.length(); i += S.length()) {
        FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i))
            .intoArray(y, yOff + i);
      }
    }
    for (; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
    int i = 0;
    float s = 0f;
    if (!Kernels.scalar()) {
      FloatVector acc = FloatVector.zero(S);
      for (; i <= len - S.length(); i += S.length()) {
        acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
      }
      s = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      s += x[xOff + i] * y[yOff + i];
    }
    return s;
  }
}
