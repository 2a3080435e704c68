package dev.whittle.bench;

import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Locale;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Runs one kernel or one plan in a loop for a while, for a profiler to watch: no harness, nothing
 * else on the CPU. With {@code -Dloop.jfr=FILE} it records itself with JFR (profile settings)
 * after a warm-up of a third of the time (at most 3 s), so start-up, data loading and JIT
 * compilation stay out of the profile; bench/profile.sh uses that.
 *
 * <pre>
 * Loop gemm SIZE THREADS SECONDS
 * Loop plan MODEL THREADS BATCH SECONDS      (MODEL: lenet300, lenet5, any spec; seeded weights)
 * </pre>
 */
public final class Loop {
  private Loop() {}

  /** Calls {@code body} until {@code seconds} have passed; returns {calls, nanoseconds}. */
  private static long[] repeat(Runnable body, double seconds) throws IOException, ParseException {
    String jfr = System.getProperty("loop.jfr");
    Recording rec = null;
    if (jfr != null) {
      long warmEnd = System.nanoTime() + (long) (Math.min(3, seconds / 3) * 1e9);
      while (System.nanoTime() < warmEnd) {
        body.run();
      }
      rec = new Recording(Configuration.getConfiguration("profile"));
      rec.start();
    }
    long calls = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    long now;
    do {
      body.run();
      calls++;
      now = System.nanoTime();
    } while (now < end);
    if (rec != null) {
      rec.stop();
      rec.dump(Path.of(jfr));
      rec.close();
    }
    return new long[] {calls, now - t0};
  }

  public static void main(String[] args) throws IOException, ParseException {
    if (args.length < 1 || !(args[0].equals("gemm") && args.length == 4
        || args[0].equals("plan") && args.length == 5)) {
      System.err.println("usage: Loop gemm SIZE THREADS SECONDS | Loop plan MODEL THREADS BATCH"
          + " SECONDS");
      System.exit(2);
    }
    if (args[0].equals("gemm")) {
      int n = Integer.parseInt(args[1]);
      Parallel.setThreads(Integer.parseInt(args[2]));
      double seconds = Double.parseDouble(args[3]);
      float[] a = Fill.uniform(n * n, 1);
      float[] b = Fill.uniform(n * n, 2);
      float[] c = new float[n * n];
      long[] r = repeat(() -> Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, 0f, c, 0, n),
          seconds);
      System.out.printf(Locale.ROOT, "gemm %d^3, %s threads: %.1f GFLOPS over %d calls%n", n,
          args[2], r[0] * 2.0 * n * n * n / r[1], r[0]);
    } else {
      Parallel.setThreads(Integer.parseInt(args[2]));
      int batch = Integer.parseInt(args[3]);
      double seconds = Double.parseDouble(args[4]);
      Dataset test = DataSets.load("mnist", null).test();
      Model m = Architectures.build(args[1], test.sampleShape(), test.classes(), 1);
      Plan plan = Plan.compile(m);
      float[] x = Arrays.copyOf(test.x(), batch * test.features());
      float[] out = new float[batch * plan.outputs()];
      long[] r = repeat(() -> plan.predict(x, batch, out), seconds);
      double perCall = r[1] / 1e3 / r[0];
      System.out.printf(Locale.ROOT, "plan %s batch %d, %s threads: %.1f us per call, %.0f"
          + " samples/s%n", args[1], batch, args[2], perCall, batch * 1e6 / perCall);
    }
  }
}
