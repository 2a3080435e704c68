package dev.whittle.plan;

/**
 * One compiled operation of a {@link Plan}. Ops hold only read-only, packed weights, so one op
 * serves many threads at once; each call writes its output into a buffer of the caller's
 * workspace.
 */
public interface Op {
  /**
   * Computes {@code out} (n samples) from {@code inputs}, each holding n samples.
   *
   * @param inputs the input buffers, possibly longer than n samples
   * @param out the output buffer, possibly longer than n samples
   */
  void run(float[][] inputs, int n, float[] out);

  /** Multiply-adds per sample this op executes. */
  default long macs() {
    return 0;
  }

  /** What the op is and how its weights are stored, for {@code whittle info}: "dense f32 + relu". */
  String describe();
}
