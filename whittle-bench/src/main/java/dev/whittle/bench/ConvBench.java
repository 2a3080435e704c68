package dev.whittle.bench;

import dev.whittle.kernel.Conv2dKernels;
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
 * Forward pass of lenet5's two convolutions (no padding, stride 1, with bias), at batch 1 and
 * 256: {@code conv1} 1x28x28 to 20x24x24 with 5x5 filters (288,000 multiply-adds per sample),
 * {@code conv2} 20x12x12 to 50x8x8 (1,600,000 per sample). GFLOPS counts 2 flops per
 * multiply-add.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class ConvBench {
  @Param({"conv1", "conv2"})
  public String layer;

  @Param({"1", "256"})
  public int batch;

  @Param({"1", "2"})
  public int threads;

  private int c;
  private int hw;
  private int oc;
  private static final int K = 5;
  private float[] x;
  private float[] weight;
  private float[] bias;
  private float[] out;
  private double gflop;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    if (layer.equals("conv1")) {
      c = 1;
      hw = 28;
      oc = 20;
    } else {
      c = 20;
      hw = 12;
      oc = 50;
    }
    int ohw = hw - K + 1;
    x = Fill.uniform(batch * c * hw * hw, 1);
    weight = Fill.uniform(oc * c * K * K, 2);
    bias = Fill.uniform(oc, 3);
    out = new float[batch * oc * ohw * ohw];
    gflop = 2.0 * batch * oc * ohw * ohw * c * K * K / 1e9;
  }

  @Benchmark
  public float[] forward(Flops flops) {
    Conv2dKernels.forward(x, batch, c, hw, hw, weight, oc, K, K, 1, 1, 0, 0, bias, out);
    flops.gflops += gflop;
    return out;
  }
}
