package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.onnx.OnnxExporter;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.plan.Plan;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * int8 post-training per-channel lenet300 and lenet5, exported by {@code whittle export} in QDQ
 * form: ONNX Runtime's accuracy on the 10,000 MNIST test images is within 0.1 points of the
 * compiled integer plan's, with its default optimizations (which fuse lenet5's first convolution
 * into QLinearConv) and without its QDQ fusions.
 */
class QdqExportMnistTest {
  static final int BATCH = 1000;
  @TempDir Path dir;

  /** ONNX Runtime's outputs for every test image and the time of a pass after a warm-up. */
  record Run(float[] out, double seconds) {}

  /**
   * @param unfused with {@code session.disable_quant_qdq}: no fusion of QDQ layers into integer
   *     kernels, whose u8s8 products saturate on x86 CPUs without VNNI
   */
  static Run ort(byte[] onnx, Dataset test, boolean unfused) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int features = test.features();
    float[] out = null;
    double best = Double.MAX_VALUE;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      if (unfused) {
        opts.addConfigEntry("session.disable_quant_qdq", "1");
      }
      try (OrtSession s = env.createSession(onnx, opts)) {
        String input = s.getInputNames().iterator().next();
        for (int pass = 0; pass < 2; pass++) {
          long t0 = System.nanoTime();
          float[] all = null;
          for (int from = 0; from < test.n(); from += BATCH) {
            int n = Math.min(BATCH, test.n() - from);
            long[] shape = {n, 1, 28, 28};
            try (OnnxTensor t = OnnxTensor.createTensor(env,
                FloatBuffer.wrap(test.x(), from * features, n * features), shape);
                OrtSession.Result r = s.run(Map.of(input, t))) {
              FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
              if (all == null) {
                all = new float[test.n() * fb.remaining() / n];
              }
              fb.get(all, from * (all.length / test.n()), fb.remaining());
            }
          }
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
          out = all;
        }
      }
    }
    return new Run(out, best);
  }

  static double accuracy(float[] out, Dataset test) {
    int classes = out.length / test.n();
    int right = 0;
    for (int r = 0; r < test.n(); r++) {
      right += argmax(out, r * classes, classes) == test.y()[r] ? 1 : 0;
    }
    return (double) right / test.n();
  }

  private void check(String name, Path base) throws IOException, OrtException {
    // What `whittle quantize --mode ptq --per-channel` does (its defaults: symmetric weights,
    // min-max calibration on 1,000 training images), without its evaluation of the result.
    long t0 = System.nanoTime();
    Split mnist = DataSets.load("mnist", null);
    QuantSpec spec = new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, true, Set.of(), true,
        "minmax", 1000, false, false);
    Model model = Quantization.prepare(ModelFile.load(base), spec).model();
    Quantization.calibrate(model, mnist.train(), spec, 64);
    Quantization.freeze(model);
    Path q = dir.resolve(name + "-int8.wtl");
    ModelFile.save(model, q);
    Path onnx = dir.resolve(name + "-int8.onnx");
    CliRun e = CliRun.of("export", q.toString(), "--format", "onnx", "--out", onnx.toString());
    assertEquals(0, e.code(), e.err());
    byte[] bytes = Files.readAllBytes(onnx);
    int quantizers = 0;
    for (NodeProto n : ModelProto.parseFrom(bytes).getGraph().getNodeList()) {
      quantizers += n.getOpType().equals("QuantizeLinear") ? 1 : 0;
    }
    assertTrue(quantizers > 0, name + ": exported in QDQ form");

    Dataset test = mnist.test();
    Plan compiled = Plan.compile(model);
    float[] plan = new float[test.n() * 10];
    for (int from = 0; from < test.n(); from += BATCH) {
      float[] x = java.util.Arrays.copyOfRange(test.x(), from * test.features(),
          (from + BATCH) * test.features());
      System.arraycopy(compiled.predict(x, BATCH), 0, plan, from * 10, BATCH * 10);
    }
    double whittle = accuracy(plan, test); // the plan's accuracy, as PlanAccuracy counts it
    double whittleSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Run fused = ort(bytes, test, false);
    Run unfused = ort(bytes, test, true);
    Run f32 = ort(OnnxExporter.standard().toBytes(ModelFile.load(base)), test, false);
    System.out.printf("%s: quantizing and the plan's outputs took %.1f s, the ONNX Runtime runs"
        + " %.1f s%n", name, whittleSeconds, (System.nanoTime() - t0) / 1e9);
    System.out.printf("%s int8 per channel on the 10,000 MNIST test images: Whittle plan %.2f%%;"
        + " ONNX Runtime QDQ %.2f%% (%d predictions differ, outputs by up to %.2e), unfused QDQ"
        + " %.2f%% (%d differ, up to %.2e); the float model %.2f%%; largest output %.3g; ONNX"
        + " Runtime time for all images, 1 thread: QDQ %.3f s, unfused %.3f s, float %.3f s%n",
        name, 100 * whittle, 100 * accuracy(fused.out(), test), differ(fused.out(), plan),
        maxDiff(fused.out(), plan), 100 * accuracy(unfused.out(), test),
        differ(unfused.out(), plan), maxDiff(unfused.out(), plan), 100 * accuracy(f32.out(), test),
        maxDiff(plan, new float[plan.length]), fused.seconds(), unfused.seconds(), f32.seconds());
    assertTrue(Math.abs(accuracy(fused.out(), test) - whittle) <= 0.001, name + ": ONNX Runtime "
        + accuracy(fused.out(), test) + ", Whittle " + whittle);
    assertTrue(Math.abs(accuracy(unfused.out(), test) - whittle) <= 0.001, name
        + ": ONNX Runtime unfused " + accuracy(unfused.out(), test) + ", Whittle " + whittle);
  }

  static float maxDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** How many samples get another predicted class. */
  static int differ(float[] a, float[] b) {
    int classes = 10;
    int n = 0;
    for (int r = 0; r < a.length / classes; r++) {
      n += argmax(a, r * classes, classes) != argmax(b, r * classes, classes) ? 1 : 0;
    }
    return n;
  }

  static int argmax(float[] v, int off, int len) {
    int best = 0;
    for (int c = 1; c < len; c++) {
      if (v[off + c] > v[off + best]) {
        best = c;
      }
    }
    return best;
  }

  @Test
  void lenet300() throws IOException, OrtException {
    check("lenet300", TestModels.baseline("lenet300", "mnist", 10));
  }

  @Test
  void lenet5() throws IOException, OrtException {
    check("lenet5", TestModels.baseline("lenet5", "mnist", MnistAccuracyTest.LENET5_EPOCHS));
  }
}
