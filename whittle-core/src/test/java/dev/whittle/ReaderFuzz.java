package dev.whittle;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The contract of every reader of untrusted input, for fuzz targets: an input ends in a result or
 * in an {@link InputException} with a one-line message, never in another exception, an {@link
 * OutOfMemoryError}, a hang, or an allocation out of proportion to the input. A fuzz target for a
 * new reader is three lines:
 *
 * <pre>{@code
 * @FuzzTest(maxDuration = "5s")
 * void recipe(byte[] input) {
 *   ReaderFuzz.check(input, bytes -> RecipeReader.parse(bytes, "fuzz.yaml"));
 * }
 * }</pre>
 *
 * with its seed files in {@code src/test/resources/<package>/<Class>Inputs/<method>/}.
 *
 * <p>The read runs on one worker thread so that a hang ends as a finding after {@link
 * #TIMEOUT_SECONDS} instead of blocking the fuzzer, and so that the bytes it allocates can be
 * counted ({@code com.sun.management.ThreadMXBean}). While fuzzing, the tensor ceiling
 * {@code whittle.maxTensorBytes} is lowered to {@link #FUZZ_MAX_TENSOR_BYTES} (unless set on the
 * command line), so an input may claim at most that much memory per tensor however small it is.
 */
public final class ReaderFuzz {
  /** A reader under test: parses {@code input} completely, or throws. */
  @FunctionalInterface
  public interface Reader {
    Object read(byte[] input) throws Exception;
  }

  /** Longest a single input may take before it counts as a hang. */
  public static final long TIMEOUT_SECONDS = 10;

  /**
   * The first inputs of a JVM load and instrument the reader's classes (and a plan compile times
   * its kernels), which takes seconds and allocates hundreds of MB that the input did not ask
   * for: they get {@link #WARM_UP_TIMEOUT_SECONDS} and no allocation bound.
   */
  static final int WARM_UP_INPUTS = 5;

  static final long WARM_UP_TIMEOUT_SECONDS = 120;

  /** The per-tensor ceiling while fuzzing. */
  public static final long FUZZ_MAX_TENSOR_BYTES = 16L << 20;

  /** Allocation allowed per input: a fixed amount plus this many bytes per input byte. */
  static final long ALLOCATION_BASE = 512L << 20;

  static final long ALLOCATION_PER_BYTE = 1024;

  private static volatile Thread worker;
  private static int inputs; // read on the fuzzer's thread only

  private static final ExecutorService WORKER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "reader-fuzz");
            t.setDaemon(true); // a hung read must not keep the JVM alive
            worker = t;
            return t;
          });

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static {
    if (System.getProperty("whittle.maxTensorBytes") == null) {
      System.setProperty("whittle.maxTensorBytes", Long.toString(FUZZ_MAX_TENSOR_BYTES));
    }
  }

  private ReaderFuzz() {}

  /**
   * Reads {@code input} with {@code reader} and fails (throws) unless it returns or throws a
   * one-line {@link InputException} within the time and allocation bounds.
   */
  public static void check(byte[] input, Reader reader) {
    boolean warm = ++inputs > WARM_UP_INPUTS;
    long timeout = warm ? TIMEOUT_SECONDS : WARM_UP_TIMEOUT_SECONDS;
    Future<Long> done =
        WORKER.submit(
            () -> {
              long before = THREADS.getCurrentThreadAllocatedBytes();
              try {
                reader.read(input);
              } catch (InputException e) {
                checkMessage(e);
              }
              return THREADS.getCurrentThreadAllocatedBytes() - before;
            });
    long allocated;
    try {
      allocated = done.get(timeout, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      AssertionError hang = new AssertionError(
          "the reader did not finish within " + timeout + " s (a hang?); stack below", e);
      Thread t = worker;
      if (t != null) {
        Throwable where = new Throwable("where the reader was");
        where.setStackTrace(t.getStackTrace());
        hang.addSuppressed(where);
      }
      done.cancel(true);
      throw hang;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      // Rethrown as it is, so that the fuzzer files the finding under the real exception.
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new AssertionError("the reader threw " + e.getCause(), e.getCause());
      }
    }
    long allowed = ALLOCATION_BASE + ALLOCATION_PER_BYTE * input.length;
    if (warm && allocated > allowed) {
      throw new AssertionError(
          "reading "
              + input.length
              + " bytes allocated "
              + allocated
              + " bytes, more than the "
              + allowed
              + " allowed");
    }
  }

  private static void checkMessage(InputException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      throw new AssertionError("an InputException needs a one-line message, got: " + m, e);
    }
  }
}
