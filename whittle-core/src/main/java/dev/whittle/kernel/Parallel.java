package dev.whittle.kernel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool every kernel uses.
 *
 * <p>Determinism rule for kernels built on it: results must be bit-identical for any thread count,
 * so callers split only over independent output elements or blocks, never across a reduction, and
 * the order of every reduction must depend on the problem shape alone.
 *
 * <p>Why not a ForkJoinPool: waking a parked pool thread took ~70 us per call on the target VM,
 * which ate the whole gain on a 0.5 ms GEMM. Here the caller claims chunks itself, so it never
 * waits for a worker to wake up before starting, and idle workers spin for {@link #SPIN_NANOS}
 * before parking, so back-to-back kernel calls (a training loop) find them awake.
 */
public final class Parallel {

  /** The body of a parallel loop: handles the half-open index range [from, to). */
  @FunctionalInterface
  public interface IntRangeBody {
    void run(int from, int to);
  }

  /** How long an idle worker, or a caller waiting for workers, spins before parking. */
  private static final long SPIN_NANOS = 50_000;

  private static volatile int threads = initialThreads();
  /** The shared pool of threads() - 1 workers, replaced (old one stopped) on a count change. */
  private static volatile Pool pool;
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

  /** Sets the thread count (n >= 1); the pool is re-created at the next parallel call. */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    }
    threads = n;
    Pool old = pool;
    if (old != null && old.workers.length != n - 1) {
      pool = null;
      old.stop(); // jobs already queued are finished by their callers
    }
  }

  /** True while this thread runs a forRange chunk, so a nested forRange runs inline. */
  static boolean inParallelRegion() {
    return DEPTH.get()[0] > 0;
  }

  private static Pool pool(int t) {
    Pool p = pool;
    if (p != null && p.workers.length == t - 1) {
      return p;
    }
    synchronized (Parallel.class) {
      p = pool;
      if (p == null || p.workers.length != t - 1) {
        if (p != null) {
          p.stop();
        }
        p = new Pool(t - 1);
        pool = p;
      }
      return p;
    }
  }

  /**
   * Splits [0, n) into at most {@link #threads()} contiguous chunks of near-equal size and runs
   * them in parallel, the calling thread taking part. Runs inline when n <= 1, when only one
   * thread is configured, or when called from inside another forRange body. The first exception
   * thrown by any chunk (lowest chunk index) is rethrown here, the others attached as suppressed,
   * after all chunks have ended.
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
    Pool p = pool(t);
    Job job = new Job(body, n, chunks);
    p.submit(job);
    job.work(depth);
    p.jobs.remove(job); // every chunk is claimed by now
    job.await();
    rethrowFirst(job.errors);
  }

  /**
   * An element-wise pass over [0, n): {@link #forRange} over one contiguous chunk per thread,
   * each starting at a multiple of 16 so vector loops keep whole vectors. Runs inline when a
   * thread would get fewer than {@code minPerThread} elements, so small tensors pay no hand-off.
   * Only for passes where each element's result depends on that element alone, so the split
   * cannot change a bit.
   */
  public static void forElements(int n, int minPerThread, IntRangeBody body) {
    int chunks = Math.min(threads, n / Math.max(1, minPerThread));
    if (chunks <= 1 || inParallelRegion()) {
      body.run(0, n);
      return;
    }
    long blocks = (n + 15L) / 16;
    forRange(chunks, (c0, c1) -> body.run((int) Math.min(n, blocks * c0 / chunks * 16),
        (int) Math.min(n, blocks * c1 / chunks * 16)));
  }

  private static void runChunk(int[] depth, IntRangeBody body, int from, int to) {
    depth[0]++;
    try {
      body.run(from, to);
    } finally {
      depth[0]--;
    }
  }

  /** One forRange call: chunks are claimed in index order by whichever thread comes first. */
  private static final class Job {
    final IntRangeBody body;
    final int n;
    final int chunks;
    final Thread caller = Thread.currentThread();
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger remaining;
    final Throwable[] errors;

    Job(IntRangeBody body, int n, int chunks) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.remaining = new AtomicInteger(chunks);
      this.errors = new Throwable[chunks];
    }

    /** Claims and runs chunks until none is left unclaimed. */
    void work(int[] depth) {
      int i;
      while ((i = next.getAndIncrement()) < chunks) {
        try {
          runChunk(depth, body, (int) ((long) n * i / chunks), (int) ((long) n * (i + 1) / chunks));
        } catch (Throwable e) {
          errors[i] = e;
        }
        if (remaining.decrementAndGet() == 0) {
          LockSupport.unpark(caller);
        }
      }
    }

    boolean claimable() {
      return next.get() < chunks;
    }

    /** Waits for chunks claimed by workers: spins briefly, then parks until the last one ends. */
    void await() {
      long spinEnd = System.nanoTime() + SPIN_NANOS;
      while (remaining.get() > 0) {
        if (System.nanoTime() < spinEnd) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
    }
  }

  /** Daemon workers that take chunks from queued jobs. */
  private static final class Pool {
    final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
    final Worker[] workers;
    volatile boolean stopped;

    Pool(int size) {
      workers = new Worker[size];
      for (int i = 0; i < size; i++) {
        workers[i] = new Worker(this, "whittle-kernel-" + (i + 1));
        workers[i].start();
      }
    }

    void submit(Job job) {
      jobs.add(job);
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w);
        }
      }
    }

    void stop() {
      stopped = true;
      for (Worker w : workers) {
        LockSupport.unpark(w);
      }
    }
  }

  private static final class Worker extends Thread {
    private final Pool pool;
    volatile boolean parked;

    Worker(Pool pool, String name) {
      super(name);
      this.pool = pool;
      setDaemon(true);
    }

    @Override
    public void run() {
      int[] depth = DEPTH.get();
      while (!pool.stopped) {
        Job job = pool.jobs.peek();
        if (job != null) {
          if (job.claimable()) {
            job.work(depth);
          }
          pool.jobs.remove(job);
          continue;
        }
        long spinEnd = System.nanoTime() + SPIN_NANOS;
        while (pool.jobs.isEmpty() && !pool.stopped && System.nanoTime() < spinEnd) {
          Thread.onSpinWait();
        }
        // Publish "parked" before the last look at the queue; submit() reads it after adding a
        // job, so either this thread sees the job or the submitter sees the flag and unparks.
        parked = true;
        if (pool.jobs.isEmpty() && !pool.stopped) {
          LockSupport.park(this);
        }
        parked = false;
      }
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
