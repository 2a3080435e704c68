package dev.whittle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.kernel.GemmReference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness works end to end on tiny runs (no timing is asserted: the machines that
 * run the tests are shared and noisy).
 */
class BenchHarnessTest {

  @Test
  void ortCompareRunsBothEnginesOnTheSameInputsAndWritesJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("ort.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    OrtCompare.run(OrtCompare.Options.parse(new String[] {"--model", "lenet300", "--data",
        "digits", "--threads", "2", "--rounds", "2", "--calls", "100", "--seconds", "0.05",
        "--batch", "32", "--json", json.toString()}),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("| latency b1 p50 (us) |"), table);
    assertTrue(table.contains("| throughput b32 (samples/s) |"), table);
    String j = Files.readString(json);
    for (String key : new String[] {"\"onnxruntime_version\"", "\"whittle_speed_vs_ort\"",
        "\"latency_us_b1_p99\"", "\"throughput_b32_sps\"", "\"max_abs_diff\""}) {
      assertTrue(j.contains(key), key + " missing in " + j);
    }
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("round 2 onnxruntime"));
  }

  @Test
  void badOptionsAreInputErrors() {
    assertThrows(InputException.class,
        () -> OrtCompare.Options.parse(new String[] {"--threads", "0"}));
    assertThrows(InputException.class,
        () -> OrtCompare.Options.parse(new String[] {"--rounds", "x"}));
    assertThrows(InputException.class,
        () -> OrtCompare.Options.parse(new String[] {"--frobnicate", "1"}));
    assertThrows(InputException.class, () -> OrtCompare.Options.parse(new String[] {"--model"}));
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertEquals(2.0, OrtCompare.median(new double[] {3, 1, 2}));
    assertEquals(2.5, OrtCompare.median(new double[] {4, 1, 3, 2}));
  }

  @Test
  void trainingShapesComputeTheGemmDenseRuns() {
    for (String shape : new String[] {"NT_64x300x784", "NN_64x784x300", "TN_300x784x64"}) {
      TrainShapesBench b = new TrainShapesBench();
      b.shape = shape;
      b.threads = 2;
      b.setUp();
      Flops f = new Flops();
      float[] c = b.sgemm(f).clone();
      String[] d = shape.split("_")[1].split("x");
      int m = Integer.parseInt(d[0]);
      int n = Integer.parseInt(d[1]);
      int k = Integer.parseInt(d[2]);
      boolean ta = shape.charAt(0) == 'T';
      boolean tb = shape.charAt(1) == 'T';
      float[] ref = new float[m * n];
      GemmReference.sgemm(ta, tb, m, n, k, Fill.uniform(m * k, 1), 0, ta ? m : k,
          Fill.uniform(k * n, 2), 0, tb ? k : n, 0f, ref, 0, n);
      for (int i = 0; i < ref.length; i++) {
        assertEquals(ref[i], c[i], 1e-3f * (1 + Math.abs(ref[i])), shape + " at " + i);
      }
      assertEquals(2.0 * m * n * k / 1e9, f.gflops, 1e-12);
    }
  }

  @Test
  void kernelBenchmarksRunOnce() {
    for (int size : new int[] {256}) {
      GemmBench g = new GemmBench();
      g.size = size;
      g.threads = 1;
      g.setUp();
      g.sgemm(new Flops());
    }
    for (String layer : new String[] {"conv1", "conv2"}) {
      ConvBench c = new ConvBench();
      c.layer = layer;
      c.batch = 2;
      c.threads = 1;
      c.setUp();
      Flops f = new Flops();
      c.forward(f);
      assertEquals(layer.equals("conv1") ? 2 * 2 * 288_000 / 1e9 : 2 * 2 * 1_600_000 / 1e9,
          f.gflops, 1e-12);
    }
  }
}
