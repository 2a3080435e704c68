package dev.whittle.plan;

import dev.whittle.tensor.Rng;

/**
 * Picks between a dense and a sparse kernel for one layer by timing both on random inputs at
 * batch 1 and batch 64, when the plan is compiled. The property {@code whittle.sparse} set to
 * {@code always} or {@code never} overrides the measurement (tests and benchmarks use it).
 */
final class KernelChoice {
  private static final String MODE = System.getProperty("whittle.sparse", "auto");

  private KernelChoice() {}

  /** Sparsity below which a sparse kernel is not even tried. */
  static final double MIN_SPARSITY = 0.5;

  static Op choose(Op dense, Op sparse, int inSize, int outSize) {
    switch (MODE) {
      case "always":
        return sparse;
      case "never":
        return dense;
      default:
        break;
    }
    Op small = faster(dense, sparse, 1, inSize, outSize);
    Op large = faster(dense, sparse, 64, inSize, outSize);
    return small == large ? small : new BatchSwitchOp(small, large);
  }

  private static Op faster(Op a, Op b, int n, int inSize, int outSize) {
    float[] x = new float[n * inSize];
    Rng r = new Rng(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.uniform();
    }
    float[] y = new float[n * outSize];
    float[][] ins = {x};
    long ta = Long.MAX_VALUE;
    long tb = Long.MAX_VALUE;
    // Interleaved rounds, best of each: the machine's speed drifts, so compare side by side.
    for (int round = 0; round < 7; round++) {
      ta = Math.min(ta, time(a, ins, n, y));
      tb = Math.min(tb, time(b, ins, n, y));
    }
    return tb < ta ? b : a;
  }

  private static long time(Op op, float[][] ins, int n, float[] y) {
    int reps = n == 1 ? 50 : 5;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      op.run(ins, n, y);
    }
    return System.nanoTime() - t0;
  }
}
