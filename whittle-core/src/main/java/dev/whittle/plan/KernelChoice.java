package dev.whittle.plan;

import dev.whittle.tensor.Rng;

/**
 * Picks between a dense and a sparse kernel for one layer by timing both on random inputs at
 * batch 1 and batch 64, when the plan is compiled. Random inputs have no zeros, so this measures
 * what the weights' sparsity alone is worth. The property {@code whittle.sparse} set to {@code
 * always} or {@code never} overrides the measurement (tests and benchmarks use it).
 */
final class KernelChoice {
  private static final String MODE = System.getProperty("whittle.sparse", "auto");

  private KernelChoice() {}

  /** How much faster the sparse kernel must measure to be chosen. */
  private static final double MARGIN = 0.85;

  /**
   * Sparsity below which a sparse kernel is not even tried. Low, because the blocked batch-1
   * kernel can win on small layers well below half zeros (lenet300's last layer, 10x100, at 78%
   * density: 0.12 us against 0.27 us for the dense matrix-vector product); the timing decides.
   */
  static final double MIN_SPARSITY = 0.2;

  /**
   * Untimed rounds first, until both kernels are compiled: at least {@link #WARM_CALLS} calls
   * (batch 1; a fiftieth of that at batch 64, whose long loops compile sooner) and {@link
   * #WARM_NANOS}, and then until neither kernel's best round has improved by 5% for {@link
   * #QUIET_ROUNDS} rounds, but no longer than {@link #MAX_WARM_NANOS}. On a loaded machine the JIT's compiler threads wait for a core: in
   * fresh JVMs here the sparse kernel reached its steady speed after 400 to 1,800 calls, and with
   * the former fixed warm-up the first plan compiled in a JVM timed kernels up to 100 times slower
   * than their steady state (lenet300's second layer at 90%: 199 us against 1.9 us) and kept dense
   * layers that were 1.5 to 4 times slower than the sparse kernel.
   */
  private static final int WARM_CALLS = 3000;

  private static final long WARM_NANOS = 30_000_000;

  private static final int QUIET_ROUNDS = 10;

  private static final long MAX_WARM_NANOS = 2_000_000_000L;

  /** Timed rounds per kernel after the warm-up. */
  private static final int ROUNDS = 15;

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
    warmUp(a, b, ins, n, y);
    // Interleaved short rounds, fastest round of each compared: on a shared machine a round is
    // only ever slowed down (preempted, caches flushed by a neighbour), so the minimum is the
    // estimate least disturbed by other processes; medians flipped the choice between runs.
    // The sparse kernel must win by a margin, so that noise cannot flip the choice back and
    // forth between two kernels that are about as fast.
    long ta = Long.MAX_VALUE;
    long tb = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      ta = Math.min(ta, time(a, ins, n, y));
      tb = Math.min(tb, time(b, ins, n, y));
    }
    return tb < MARGIN * ta ? b : a;
  }

  /** Runs both kernels, untimed, until their speed settles (see {@link #WARM_CALLS}). */
  private static void warmUp(Op a, Op b, float[][] ins, int n, float[] y) {
    long start = System.nanoTime();
    long bestA = Long.MAX_VALUE;
    long bestB = Long.MAX_VALUE;
    int calls = 0;
    int quiet = 0;
    while (true) {
      long da = time(a, ins, n, y);
      long db = time(b, ins, n, y);
      calls += reps(n);
      quiet = da < 0.95 * bestA || db < 0.95 * bestB ? 0 : quiet + 1;
      bestA = Math.min(bestA, da);
      bestB = Math.min(bestB, db);
      long elapsed = System.nanoTime() - start;
      boolean settled = quiet >= QUIET_ROUNDS && elapsed >= WARM_NANOS
          && calls >= (n == 1 ? WARM_CALLS : WARM_CALLS / 50);
      if (settled || elapsed > MAX_WARM_NANOS) {
        return;
      }
    }
  }

  private static int reps(int n) {
    return n == 1 ? 20 : 3;
  }

  private static long time(Op op, float[][] ins, int n, float[] y) {
    int reps = reps(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      op.run(ins, n, y);
    }
    return System.nanoTime() - t0;
  }
}
