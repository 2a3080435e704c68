package dev.whittle.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One Plan per kernel family (dense f32, CSR sparse, int8 dense, f32 and int8 convolution, binary
 * XNOR, codebook lookup), shared by {@value #THREADS} threads that each make {@value #CALLS} calls with their own
 * inputs and batch sizes, all started at once: every output must be bit for bit the one the same
 * call gave on a single thread. Plans keep per-thread workspaces; a buffer shared by mistake
 * shows up here as a wrong value.
 */
class PlanConcurrencyTest {
  private static final int THREADS = 16;
  private static final int CALLS = 60;
  private static final int[] BATCHES = {1, 2, 3, 7, 16, 33, 64};
  private static final Split DIGITS = DataSets.load("digits", null);

  /** One call: which plan, how many samples, their values and the single-threaded output. */
  private record Call(String plan, int n, float[] x, float[] expected) {}

  @Test
  void everyPlanGivesTheSingleThreadedOutputUnderSixteenThreads() throws Exception {
    Map<String, Plan> plans = plans();
    List<String> names = new ArrayList<>(plans.keySet());
    List<List<Call>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<Call> calls = new ArrayList<>();
      Rng r = new Rng(1000 + t);
      for (int c = 0; c < CALLS; c++) {
        String name = names.get((t + c) % names.size());
        Plan p = plans.get(name);
        int n = BATCHES[(int) (r.uniform() * BATCHES.length)];
        float[] x = PlanTest.random(t * 7919L + c, n * (int) Shapes.size(p.inputShape()));
        calls.add(new Call(name, n, x, p.predict(x, n)));
      }
      work.add(calls);
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (List<Call> calls : work) {
        results.add(pool.submit(() -> {
          start.await();
          List<String> wrong = new ArrayList<>();
          for (int c = 0; c < calls.size(); c++) {
            Call call = calls.get(c);
            float[] got = plans.get(call.plan()).predict(call.x(), call.n());
            if (!bitEqual(got, call.expected())) {
              wrong.add(call.plan() + " call " + c + " (batch " + call.n() + ")");
            }
          }
          return wrong;
        }));
      }
      start.countDown();
      List<String> wrong = new ArrayList<>();
      for (Future<List<String>> f : results) {
        wrong.addAll(f.get(120, TimeUnit.SECONDS));
      }
      assertTrue(wrong.isEmpty(), wrong.size() + " outputs differ from the single-threaded ones: "
          + wrong.subList(0, Math.min(10, wrong.size())));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(THREADS, work.size());
  }

  private static boolean bitEqual(float[] a, float[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  /** The plans under test, each checked to use the kernel it is here for. */
  static Map<String, Plan> plans() {
    Map<String, Plan> plans = new LinkedHashMap<>();
    plans.put("dense", Plan.compile(model("mlp:64-96-48-10")));
    plans.put("sparse", sparsePlan(64, 200));
    plans.put("int8", Plan.compile(quantized("mlp:64-96-48-10", QuantSpec.Mode.PTQ, 8, false)));
    plans.put("conv", Plan.compile(model("cnn:c8k3-c16k3-mp2-32-10")));
    plans.put("int8-conv",
        Plan.compile(quantized("cnn:c8k3-c16k3-mp2-32-10", QuantSpec.Mode.PTQ, 8, false)));
    plans.put("binary", Plan.compile(quantized("mlp:64-96-48-10", QuantSpec.Mode.BINARY, 1, true)));
    plans.put("codebook", codebookPlan(64, 200));
    Map<String, String> kernels = Map.of("dense", "f32", "sparse", " sparse (", "int8",
        "int8 x u8", "conv", "conv 3x3 1->8 f32", "int8-conv", "conv 3x3 8->16 int8",
        "binary", "xnor-popcount", "codebook", "codebook lookup");
    plans.forEach((name, p) -> assertTrue(p.describe().toString().contains(kernels.get(name)),
        name + " plan does not use the kernel it is here for: " + p.describe()));
    return plans;
  }

  /**
   * One layer with 90% of its weights zero on the sparse kernel (blocks at batch 1, CSR above),
   * built directly: the compiler picks it by timing, which a loaded machine can tip either way.
   */
  private static Plan sparsePlan(int in, int out) {
    float[] w = PlanTest.random(13, in * out);
    for (int i = 0; i < w.length; i++) {
      w[i] = w[i] < 0.9f ? 0f : w[i] - 0.95f;
    }
    Op op = new SparseDenseOp(in, out, w, PlanTest.random(14, out), null);
    return new Plan(new int[] {in}, List.of(new Plan.Step("fc", op, new int[] {-1}, out)), 0);
  }

  /**
   * One dense layer of 16 shared values on the codebook-lookup kernel, which the compiler picks
   * by timing and only for layers of 2^22 weights and more: built directly here.
   */
  private static Plan codebookPlan(int in, int out) {
    float[] w = PlanTest.random(11, in * out);
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.round(w[i] * 15) / 15f - 0.5f;
    }
    Op op = CodebookDenseOp.of(in, out, w, PlanTest.random(12, out), null);
    return new Plan(new int[] {in}, List.of(new Plan.Step("fc", op, new int[] {-1}, out)), 0);
  }

  private static Model model(String arch) {
    return Architectures.build(arch, DIGITS.train().sampleShape(), 10, 3);
  }

  private static Model quantized(String arch, QuantSpec.Mode mode, int bits, boolean binaryActs) {
    QuantSpec s = new QuantSpec(mode, bits, Map.of(), 0, true, Set.of(), true, "minmax", 256,
        binaryActs, true);
    Model m = Quantization.prepare(model(arch), s).model();
    if (mode == QuantSpec.Mode.PTQ) {
      Quantization.calibrate(m, DIGITS.train(), s, 64);
    }
    Quantization.freeze(m);
    return m;
  }
}
