package dev.whittle.bench;

import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * fp32 GEMM on square matrices, C = A B (row-major, no transposes, beta 0): the figure compared
 * with numpy/OpenBLAS in BENCHMARKS.md. GFLOPS is the secondary result {@code gflops} (2 n^3 per
 * call).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar whittle-bench/target/whittle-bench.jar GemmBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class GemmBench {
  @Param({"256", "512", "1024"})
  public int size;

  /** Kernel threads, through {@link Parallel#setThreads}. */
  @Param({"1", "2"})
  public int threads;

  private float[] a;
  private float[] b;
  private float[] c;
  private double gflop;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    a = Fill.uniform(size * size, 1);
    b = Fill.uniform(size * size, 2);
    c = new float[size * size];
    gflop = 2.0 * size * size * size / 1e9;
  }

  @Benchmark
  public float[] sgemm(Flops flops) {
    Gemm.sgemm(false, false, size, size, size, a, 0, size, b, 0, size, 0f, c, 0, size);
    flops.gflops += gflop;
    return c;
  }
}
