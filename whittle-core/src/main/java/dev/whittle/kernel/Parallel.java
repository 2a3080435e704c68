package dev.whittle.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one thread pool every kernel uses.
 *
 * <p>Determinism rule for kernels built on it: results must be bit-identical for any thread count,
 * so callers split only over independent output elements or blocks, never across a reduction, and
 * the order of every reduction must depend on the problem shape alone.
 */
public final class Parallel {

  /** The body of a parallel loop: handles the half-open index range [from, to). */
  @FunctionalInterface
  public interface IntRangeBody {
    void run(int from, int to);
  }

  private static volatile int threads = initialThreads();
  /** The shared pool, sized to {@link #threads()}; replaced (and the old one shut down) on change. */
  private static volatile ForkJoinPool pool;
  /** Depth of forRange bodies running on this thread; nested calls run inline (no deadlock). */
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private Parallel() {}

  private static int initialThreads() {
    int n = Runtime.getRuntime().availableProcessors();
    String p = System.getProperty("whittle.threads");
    if (p != null && !p.isBlank()) {
      try {
        int v = Integer.parseInt(p.trim());
        if (v >= 1) {
          n = v;
        }
      } catch (NumberFormatException e) {
        // a malformed property falls back to the processor count rather than failing class init
      }
    }
    return Math.max(1, n);
  }

  /** The number of threads kernels may use: -Dwhittle.threads, else the processor count. */
  public static int threads() {
    return threads;
  }

  /** Sets the thread count (n >= 1); the pool is re-created lazily at the next parallel call. */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    }
    if (n == threads) {
      return;
    }
    threads = n;
    ForkJoinPool old = pool;
    pool = null;
    if (old != null) {
      old.shutdown(); // lets chunks already submitted finish
    }
  }

  /** True while this thread runs a forRange chunk, so a nested forRange runs inline. */
  static boolean inParallelRegion() {
    return DEPTH.get()[0] > 0;
  }

  private static ForkJoinPool pool(int t) {
    ForkJoinPool p = pool;
    if (p != null && p.getParallelism() == t) {
      return p;
    }
    return createPool(t);
  }

  private static synchronized ForkJoinPool createPool(int t) {
    ForkJoinPool p = pool;
    if (p == null || p.getParallelism() != t) {
      if (p != null) {
        p.shutdown();
      }
      // Workers are daemon threads: an idle pool never keeps the JVM alive.
      p = new ForkJoinPool(t, Parallel::newWorker, null, false);
      pool = p;
    }
    return p;
  }

  private static ForkJoinWorkerThread newWorker(ForkJoinPool p) {
    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
    t.setName("whittle-kernel-" + t.getPoolIndex());
    t.setDaemon(true);
    return t;
  }

  /**
   * Splits [0, n) into at most {@link #threads()} contiguous chunks of near-equal size and runs
   * them in parallel, the calling thread taking the first. Runs inline when n <= 1, when only one
   * thread is configured, or when called from inside another forRange body. The first exception
   * thrown by any chunk is rethrown here (others are attached as suppressed) after all chunks end.
   */
  public static void forRange(int n, IntRangeBody body) {
    if (n <= 0) {
      return;
    }
    int t = threads;
    int[] depth = DEPTH.get();
    int chunks = Math.min(t, n);
    if (chunks <= 1 || depth[0] > 0) {
      runChunk(depth, body, 0, n);
      return;
    }
    ForkJoinPool p = pool(t);
    Throwable[] errors = new Throwable[chunks];
    ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
    for (int i = 1; i < chunks; i++) {
      int from = bound(n, chunks, i);
      int to = bound(n, chunks, i + 1);
      int slot = i;
      try {
        tasks[i] = p.submit(() -> {
          try {
            runChunk(DEPTH.get(), body, from, to);
          } catch (Throwable e) {
            errors[slot] = e;
          }
          return null;
        });
      } catch (RejectedExecutionException e) {
        tasks[i] = null; // pool shut down by a concurrent setThreads: run this chunk below
      }
    }
    try {
      runChunk(depth, body, 0, bound(n, chunks, 1));
    } catch (Throwable e) {
      errors[0] = e;
    }
    for (int i = 1; i < chunks; i++) {
      if (tasks[i] != null) {
        tasks[i].join(); // bodies catch everything, so join itself does not throw
      } else {
        try {
          runChunk(depth, body, bound(n, chunks, i), bound(n, chunks, i + 1));
        } catch (Throwable e) {
          errors[i] = e;
        }
      }
    }
    rethrowFirst(errors);
  }

  private static int bound(int n, int chunks, int i) {
    return (int) ((long) n * i / chunks);
  }

  private static void runChunk(int[] depth, IntRangeBody body, int from, int to) {
    depth[0]++;
    try {
      body.run(from, to);
    } finally {
      depth[0]--;
    }
  }

  private static void rethrowFirst(Throwable[] errors) {
    Throwable first = null;
    for (Throwable e : errors) {
      if (e == null) {
        continue;
      }
      if (first == null) {
        first = e;
      } else if (e != first) {
        first.addSuppressed(e);
      }
    }
    if (first instanceof RuntimeException r) {
      throw r;
    }
    if (first instanceof Error err) {
      throw err;
    }
    if (first != null) {
      throw new IllegalStateException("parallel chunk failed", first);
    }
  }
}
