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
 * The three GEMMs of training lenet300's first layer (784 to 300) at batch 64, as {@code
 * dev.whittle.nn.Dense} calls them; shapes are m x n x k of C (m, n) = op(A) (m, k) op(B) (k, n):
 *
 * <ul>
 *   <li>{@code NT_64x300x784}: forward, Y (64, 300) = X (64, 784) W^T, W stored (300, 784);
 *   <li>{@code NN_64x784x300}: input gradient, dX (64, 784) = dY (64, 300) W (300, 784);
 *   <li>{@code TN_300x784x64}: weight gradient, dW (300, 784) += dY^T (300, 64) X (64, 784).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class TrainShapesBench {
  @Param({"NT_64x300x784", "NN_64x784x300", "TN_300x784x64"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private boolean transA;
  private boolean transB;
  private int m;
  private int n;
  private int k;
  private float beta;
  private float[] a;
  private float[] b;
  private float[] c;
  private double gflop;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    String[] parts = shape.split("_");
    transA = parts[0].charAt(0) == 'T';
    transB = parts[0].charAt(1) == 'T';
    String[] dims = parts[1].split("x");
    m = Integer.parseInt(dims[0]);
    n = Integer.parseInt(dims[1]);
    k = Integer.parseInt(dims[2]);
    beta = transA ? 1f : 0f; // the weight gradient accumulates, as in Dense.backward
    a = Fill.uniform(m * k, 1);
    b = Fill.uniform(k * n, 2);
    c = new float[m * n];
    gflop = 2.0 * m * n * k / 1e9;
  }

  @Benchmark
  public float[] sgemm(Flops flops) {
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    Gemm.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, beta, c, 0, n);
    flops.gflops += gflop;
    return c;
  }
}
