package dev.whittle.kernel;

import static dev.whittle.kernel.KernelAsserts.withThreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void chunksCoverTheRangeExactlyOnce() {
    for (int t : new int[] {1, 2, 3, 4, 7}) {
      withThreads(t, () -> {
        for (int n : new int[] {0, 1, 2, 3, 5, 17, 100, 1001}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          AtomicInteger chunks = new AtomicInteger();
          Parallel.forRange(n, (from, to) -> {
            assertTrue(from < to, "empty chunk " + from + ".." + to);
            chunks.incrementAndGet();
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n + " with " + t + " threads");
          }
          assertTrue(chunks.get() <= Math.max(1, t), chunks.get() + " chunks for " + t);
        }
      });
    }
  }

  @Test
  void elementChunksStartOnWholeVectorsAndSmallPassesRunInline() {
    for (int t : new int[] {1, 2, 3}) {
      withThreads(t, () -> {
        for (int n : new int[] {0, 1, 99, 100, 199, 200, 1001, 4099}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          AtomicInteger chunks = new AtomicInteger();
          Set<Thread> seen = ConcurrentHashMap.newKeySet();
          Parallel.forElements(n, 100, (from, to) -> {
            assertEquals(0, from % 16, "chunk start " + from);
            chunks.incrementAndGet();
            seen.add(Thread.currentThread());
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n + " with " + t + " threads");
          }
          // a chunk per thread, none below 100 elements: fewer than 200 elements stay on this one
          assertEquals(Math.max(1, Math.min(t, n / 100)), chunks.get(), n + " with " + t);
          if (n < 200) {
            assertEquals(Set.of(Thread.currentThread()), seen);
          }
        }
      });
    }
  }

  @Test
  void runsOnSeveralThreads() {
    withThreads(2, () -> {
      Set<Thread> seen = ConcurrentHashMap.newKeySet();
      CountDownLatch both = new CountDownLatch(2);
      Parallel.forRange(2, (from, to) -> {
        seen.add(Thread.currentThread());
        both.countDown();
        await(both); // each chunk waits for the other to start: they cannot share a thread
      });
      assertEquals(2, seen.size());
      assertTrue(seen.contains(Thread.currentThread()), "caller runs one chunk");
    });
  }

  @Test
  void exceptionsPropagateToTheCaller() {
    withThreads(3, () -> {
      for (int failing = 0; failing < 3; failing++) {
        int f = failing;
        IllegalStateException boom = new IllegalStateException("chunk " + f);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
            () -> Parallel.forRange(3, (from, to) -> {
              if (from == f) {
                throw boom;
              }
            }));
        assertSame(boom, thrown);
      }
      AssertionError err = new AssertionError("error from a chunk");
      assertSame(err, assertThrows(AssertionError.class,
          () -> Parallel.forRange(2, (from, to) -> {
            throw err;
          })));
      // the pool survives a failure
      AtomicInteger sum = new AtomicInteger();
      Parallel.forRange(10, (from, to) -> sum.addAndGet(to - from));
      assertEquals(10, sum.get());
    });
  }

  @Test
  void nestedCallsRunInlineWithoutDeadlock() {
    withThreads(2, () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
      Parallel.forRange(64, (o0, o1) -> {
        for (int o = o0; o < o1; o++) {
          int row = o;
          Parallel.forRange(64, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
              hits.incrementAndGet(row * 64 + i);
            }
          });
        }
      });
      for (int i = 0; i < hits.length(); i++) {
        assertEquals(1, hits.get(i));
      }
    }));
  }

  @Test
  void concurrentCallersShareThePool() {
    withThreads(2, () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      Thread[] callers = new Thread[4];
      AtomicInteger failures = new AtomicInteger();
      for (int t = 0; t < callers.length; t++) {
        callers[t] = new Thread(() -> {
          for (int rep = 0; rep < 2000; rep++) {
            int n = 1 + rep % 37;
            AtomicInteger covered = new AtomicInteger();
            Parallel.forRange(n, (from, to) -> covered.addAndGet(to - from));
            if (covered.get() != n) {
              failures.incrementAndGet();
            }
          }
        });
        callers[t].start();
      }
      for (Thread c : callers) {
        c.join();
      }
      assertEquals(0, failures.get());
    }));
  }

  @Test
  void threadCountIsConfigurable() {
    assertTrue(Parallel.threads() >= 1);
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    withThreads(3, () -> assertEquals(3, Parallel.threads()));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS), "the other chunk never started");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
