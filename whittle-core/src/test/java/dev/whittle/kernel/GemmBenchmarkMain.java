package dev.whittle.kernel;

import java.util.Locale;

/**
 * A plain GFLOPS benchmark for {@link Gemm} until the JMH module exists. Run with:
 *
 * <pre>
 * ./mvnw -q -B -pl whittle-core test-compile
 * java --add-modules jdk.incubator.vector \
 *     -cp whittle-core/target/classes:whittle-core/target/test-classes \
 *     dev.whittle.kernel.GemmBenchmarkMain [threads...]
 * </pre>
 *
 * Each shape is warmed up, then timed in several rounds of at least 300 ms; the best round is
 * reported (GFLOPS = 2 m n k / time). Default thread counts: 1 and 2.
 */
public final class GemmBenchmarkMain {

  /** {label, transA, transB, m, n, k} as ints (booleans as 0/1). */
  private static final Object[][] SHAPES = {
      {"square 256", 0, 0, 256, 256, 256},
      {"square 512", 0, 0, 512, 512, 512},
      {"square 1024", 0, 0, 1024, 1024, 1024},
      {"dense fwd 64x784 . (300x784)^T (NT)", 0, 1, 64, 300, 784},
      {"dense dW (64x300)^T . 64x784 (TN)", 1, 0, 300, 784, 64},
      {"dense dX 64x300 . 300x784 (NN)", 0, 0, 64, 784, 300},
      {"gemv 1x784 . (300x784)^T (NT)", 0, 1, 1, 300, 784},
  };

  private GemmBenchmarkMain() {}

  public static void main(String[] args) {
    int[] threads = args.length == 0 ? new int[] {1, 2} : new int[args.length];
    for (int i = 0; i < args.length; i++) {
      threads[i] = Integer.parseInt(args[i]);
    }
    System.out.printf(Locale.ROOT, "Gemm.sgemm, %d processors, kernels %s%n",
        Runtime.getRuntime().availableProcessors(), Kernels.scalar() ? "scalar" : "vector");
    for (int t : threads) {
      Parallel.setThreads(t);
      for (Object[] s : SHAPES) {
        double gflops = measure((Integer) s[1] != 0, (Integer) s[2] != 0, (Integer) s[3],
            (Integer) s[4], (Integer) s[5]);
        System.out.printf(Locale.ROOT, "threads=%d  %-40s %7.1f GFLOPS%n", t, s[0], gflops);
      }
    }
  }

  private static double measure(boolean ta, boolean tb, int m, int n, int k) {
    float[] a = KernelAsserts.random(1, m * k);
    float[] b = KernelAsserts.random(2, k * n);
    float[] c = new float[m * n];
    int lda = ta ? m : k;
    int ldb = tb ? k : n;
    long warmupEnd = System.nanoTime() + 1_500_000_000L;
    while (System.nanoTime() < warmupEnd) {
      Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }
    double best = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      long calls = 0;
      long elapsed;
      do {
        Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        calls++;
        elapsed = System.nanoTime() - start;
      } while (elapsed < 300_000_000L);
      best = Math.max(best, 2.0 * m * n * k * calls / elapsed);
    }
    return best;
  }
}
