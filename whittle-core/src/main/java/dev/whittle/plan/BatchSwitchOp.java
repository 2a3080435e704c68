package dev.whittle.plan;

/**
 * Two kernels for one layer, chosen by batch size: the compiler measured which is faster at
 * batch 1 and at a large batch (a sparse kernel wins at batch 1 far sooner than at batch 64, as
 * Han et al. 2016 found with MKL).
 */
final class BatchSwitchOp implements Op {
  static final int LARGE = 8;
  private final Op small;
  private final Op large;

  BatchSwitchOp(Op small, Op large) {
    this.small = small;
    this.large = large;
  }

  @Override
  public void run(float[][] inputs, int n, float[] out) {
    (n < LARGE ? small : large).run(inputs, n, out);
  }

  @Override
  public long macs() {
    return small.macs();
  }

  @Override
  public String describe() {
    return small == large ? small.describe()
        : "batch < " + LARGE + ": " + small.describe() + "; larger: " + large.describe();
  }
}
