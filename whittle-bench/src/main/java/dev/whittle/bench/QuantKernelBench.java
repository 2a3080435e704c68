package dev.whittle.bench;

import dev.whittle.kernel.BinaryGemm;
import dev.whittle.kernel.BitPack;
import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.Int8Gemm;
import dev.whittle.kernel.Parallel;
import dev.whittle.kernel.XnorGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Quantized kernels beside float32 {@link Gemm#sgemm} on the same (m, k, n) and output layout:
 * {@code f32} runs the float GEMM, {@code quant} the kernel named by the shape. Both report
 * {@code gmacs}, billions of multiply-adds per second, so the ratio of the two is the speed-up.
 *
 * <p>Shapes, {@code kind-m-k-n[-layout]}: int8/int4 with C (m, n) or its transpose CT (lenet300
 * 256-784-300, fc 256-800-500; lenet5's convolutions as im2col at batch 256: conv1 147456-25-20,
 * conv2 16384-500-50, whose NCHW output is C^T), xnor (+1/-1 x +1/-1), bin (float x +1/-1 with
 * per-row scales, batch 1 against the float GEMV and batch 256).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar whittle-bench/target/whittle-bench.jar QuantKernelBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class QuantKernelBench {
  @Param({"int8-256-784-300-C", "int4-256-784-300-C", "int8-256-800-500-C",
      "int8-147456-25-20-CT", "int8-16384-500-50-CT", "xnor-256-1024-1024", "xnor-256-784-300",
      "bin-1-784-300", "bin-1-1024-1024", "bin-256-784-300", "bin-256-1024-1024"})
  public String shape;

  /** Kernel threads, through {@link Parallel#setThreads}. */
  @Param({"1", "2"})
  public int threads;

  /** Multiply-adds per call, in billions; JMH reports their rate as {@code gmacs}. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Macs {
    /** Billions of multiply-adds done in this iteration. */
    public double gmacs;

    /** JMH does not reset auxiliary counters itself. */
    @Setup(Level.Iteration)
    public void reset() {
      gmacs = 0;
    }
  }

  private String kind;
  private int m;
  private int k;
  private int n;
  private boolean transposed;
  private double gmac;
  // float operands: A (m, k), W (n, k), C (m, n) or C^T
  private float[] fa;
  private float[] fw;
  private float[] fc;
  // quantized operands
  private byte[] qa;
  private Int8Gemm.Packed qw;
  private int[] qc;
  private long[] ba;
  private long[] bw;
  private float[] alpha;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    String[] s = shape.split("-");
    kind = s[0];
    m = Integer.parseInt(s[1]);
    k = Integer.parseInt(s[2]);
    n = Integer.parseInt(s[3]);
    transposed = s.length > 4 && s[4].equals("CT");
    gmac = (double) m * n * k / 1e9;
    fa = Fill.uniform(m * k, 1);
    fw = Fill.uniform(n * k, 2);
    fc = new float[m * n];
    SplittableRandom r = new SplittableRandom(3);
    switch (kind) {
      case "int8", "int4" -> {
        int bits = kind.equals("int8") ? 8 : 4;
        qa = new byte[m * k];
        r.nextBytes(qa);
        byte[] w = new byte[n * k];
        for (int i = 0; i < w.length; i++) {
          w[i] = (byte) (r.nextInt(1 << bits) - (1 << (bits - 1)));
        }
        qw = bits == 8 ? Int8Gemm.pack(w, n, k) : Int8Gemm.pack(BitPack.pack(w, bits), bits, n, k);
        qc = new int[m * n];
      }
      case "xnor" -> {
        ba = BitPack.packSigns(fa, m, k);
        bw = BitPack.packSigns(fw, n, k);
        qc = new int[m * n];
      }
      case "bin" -> {
        bw = BitPack.packSigns(fw, n, k);
        alpha = Fill.uniform(n, 4);
      }
      default -> throw new IllegalArgumentException("unknown kernel kind in shape " + shape);
    }
  }

  /** The float32 GEMM on the same shape and layout (C^T = W A^T for the transposed ones). */
  @Benchmark
  public float[] f32(Macs macs) {
    if (transposed) {
      Gemm.sgemm(false, true, n, m, k, fw, 0, k, fa, 0, k, 0f, fc, 0, m);
    } else {
      Gemm.sgemm(false, true, m, n, k, fa, 0, k, fw, 0, k, 0f, fc, 0, n);
    }
    macs.gmacs += gmac;
    return fc;
  }

  @Benchmark
  public Object quant(Macs macs) {
    Object out;
    switch (kind) {
      case "int8", "int4" -> {
        Int8Gemm.gemm(m, qa, 0, k, qw, qc, 0, transposed ? 1 : n, transposed ? m : 1);
        out = qc;
      }
      case "xnor" -> {
        XnorGemm.gemm(m, n, k, ba, 0, bw, 0, qc, 0, n, 1);
        out = qc;
      }
      default -> {
        BinaryGemm.gemm(m, n, k, fa, 0, k, bw, 0, alpha, fc, 0, n);
        out = fc;
      }
    }
    macs.gmacs += gmac;
    return out;
  }
}
