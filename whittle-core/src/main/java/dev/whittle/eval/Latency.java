package dev.whittle.eval;

import dev.whittle.plan.Plan;
import java.util.Arrays;

/**
 * Times a plan: latency of single-sample calls (percentiles over many calls after a warm-up) and
 * throughput of large batches. Inputs are real samples, cycled, so caches see what they would in
 * service.
 */
public final class Latency {
  private Latency() {}

  /** Percentiles in microseconds and throughput in samples per second. */
  public record Result(double p50Us, double p99Us, double throughputSps) {}

  /**
   * @param x samples one after another, at least {@code batch} of them
   * @param calls single-sample calls to time (after as many warm-up calls, at least 200)
   * @param seconds how long to run batches for the throughput figure, after a warm-up
   */
  public static Result measure(Plan plan, float[] x, int samples, int calls, int batch,
      double seconds) {
    int in = x.length / samples;
    float[] one = new float[in];
    float[] out1 = new float[plan.outputs()];
    int warm = Math.max(200, calls / 4);
    long[] t = new long[calls];
    for (int i = 0; i < warm + calls; i++) {
      System.arraycopy(x, (i % samples) * in, one, 0, in);
      long t0 = System.nanoTime();
      plan.predict(one, 1, out1);
      long dt = System.nanoTime() - t0;
      if (i >= warm) {
        t[i - warm] = dt;
      }
    }
    Arrays.sort(t);
    double p50 = t[calls / 2] / 1e3;
    double p99 = t[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)] / 1e3;
    int b = Math.min(batch, samples);
    float[] xb = Arrays.copyOf(x, b * in);
    float[] outB = new float[b * plan.outputs()];
    long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
    while (System.nanoTime() < warmEnd) {
      plan.predict(xb, b, outB);
    }
    long runs = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      plan.predict(xb, b, outB);
      runs++;
      now = System.nanoTime();
    } while (now < end || runs < 3);
    double sps = runs * (double) b / ((now - start) / 1e9);
    return new Result(p50, p99, sps);
  }
}
