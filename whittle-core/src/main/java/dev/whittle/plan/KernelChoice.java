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

  /** How much faster the sparse kernel must measure to be chosen. */
  private static final double MARGIN = 0.85;

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
    int rounds = 11;
    long[] ta = new long[rounds];
    long[] tb = new long[rounds];
    // Interleaved rounds, medians compared: the machine's speed drifts, so measure side by side.
    // The sparse kernel must win by a margin, so that noise cannot flip the choice back and
    // forth between two kernels that are about as fast.
    for (int round = 0; round < rounds; round++) {
      ta[round] = time(a, ins, n, y);
      tb[round] = time(b, ins, n, y);
    }
    java.util.Arrays.sort(ta);
    java.util.Arrays.sort(tb);
    return tb[rounds / 2] < MARGIN * ta[rounds / 2] ? b : a;
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
