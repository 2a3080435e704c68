package dev.whittle.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Per-thread scratch for the conv kernels, and the bias-gradient reduction. */
final class ConvBuffers {

  /** Slot of the column matrix (k, chunk * sp). */
  static final int COLS = 0;
  /** Slot of a staged (oc, chunk * sp) matrix: forward output or gradOut of a chunk. */
  static final int STAGE = 1;
  /** Slot of the forward pass's packed weights, all k blocks (read by every thread of a call). */
  static final int WEIGHTS = 2;
  /** Slot of the forward pass's B panel and edge tile ({@link ConvGemm}). */
  static final int PANEL = 3;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = 8;
  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[4][0]);

  private ConvBuffers() {}

  /** This thread's buffer in slot which, grown to at least len floats; contents unspecified. */
  static float[] get(int which, long len) {
    float[][] bufs = BUFFERS.get();
    if (bufs[which].length < len) {
      bufs[which] = new float[Math.toIntExact(len)];
    }
    return bufs[which];
  }

  /**
   * gradBias[f] = sum over samples s (in order) of sum over positions of gradOut[s][f][.]; each
   * per-sample sum is a fixed 32-lane float sum, the sample sums accumulate in double.
   */
  static void biasGrad(float[] gradOut, int n, int oc, int sp, float[] gradBias) {
    for (int f = 0; f < oc; f++) {
      double total = 0;
      for (int s = 0; s < n; s++) {
        total += sum(gradOut, (s * oc + f) * sp, sp);
      }
      gradBias[f] = (float) total;
    }
  }

  /** Sum of x[off, off + len): four 8-lane accumulators, lanes added in a fixed order. */
  static float sum(float[] x, int off, int len) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int t = 0;
    for (; t + 4 * L <= len; t += 4 * L) {
      s0 = s0.add(FloatVector.fromArray(S, x, off + t));
      s1 = s1.add(FloatVector.fromArray(S, x, off + t + L));
      s2 = s2.add(FloatVector.fromArray(S, x, off + t + 2 * L));
      s3 = s3.add(FloatVector.fromArray(S, x, off + t + 3 * L));
    }
    for (; t + L <= len; t += L) {
      s0 = s0.add(FloatVector.fromArray(S, x, off + t));
    }
    FloatVector v = s0.add(s1).add(s2.add(s3));
    float sum = ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3)))
        + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
    for (; t < len; t++) {
      sum += x[off + t];
    }
    return sum;
  }
}
