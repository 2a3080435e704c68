package dev.whittle.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.whittle.InputException;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.eval.Json;
import dev.whittle.io.ModelFile;
import dev.whittle.kernel.Parallel;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.onnx.OnnxExporter;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same model in Whittle and in ONNX Runtime (Java API), in one process, on the same real
 * MNIST inputs and the same thread count: checks that both give the same outputs, then times
 * interleaved rounds of latency at batch 1 (p50, p99) and throughput at a large batch, and prints
 * the medians over rounds and the ratios.
 *
 * <p>The model is built from {@link Architectures} with seeded weights ({@code lenet300}, {@code
 * lenet5}, any spec) or loaded from a {@code .wtl} file; Whittle runs its compiled {@link Plan},
 * ONNX Runtime the model exported by whittle-onnx's {@link OnnxExporter} (in memory), with all
 * graph optimizations, intra-op threads = {@code --threads}, inter-op 1, sequential execution.
 * ONNX Runtime reads its input from a direct buffer and writes into a pinned direct output
 * buffer, both created once, so no call copies between the Java heap and native memory inside
 * the timed region; Whittle likewise reuses its input and output arrays. Copying the next sample
 * into the input happens outside the timed region for both.
 *
 * <p>Rounds alternate the order (Whittle first, then ONNX Runtime first, ...) so a machine whose
 * speed drifts does not favour one side. Ratios are "speed of Whittle relative to ONNX Runtime":
 * above 1 Whittle is faster (ORT latency / Whittle latency; Whittle throughput / ORT
 * throughput), computed per round and reported as the median over rounds.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp whittle-bench/target/whittle-bench.jar dev.whittle.bench.OrtCompare \
 *   --model lenet5 --threads 2 --rounds 3 [--json out.json]
 * </pre>
 */
public final class OrtCompare {
  private OrtCompare() {}

  static final String USAGE = """
      usage: OrtCompare [--model lenet300|lenet5|SPEC|PATH.wtl] [--threads N] [--rounds R]
                        [--calls N] [--seconds S] [--batch B] [--seed S] [--data NAME|DIR]
                        [--tolerance T] [--json FILE]
        --model      architecture (seeded weights) or a .wtl file (default lenet300)
        --threads    kernel threads for Whittle and intra-op threads for ONNX Runtime (default 1)
        --rounds     interleaved rounds; medians are reported (default 3)
        --calls      timed batch-1 calls per engine per round, after a warm-up (default 2000)
        --seconds    seconds of batch-B runs per engine per round (default 2)
        --batch      the throughput batch (default 256)
        --seed       weight seed of a built architecture (default 1)
        --data       data set for the inputs (default mnist; its test split)
        --tolerance  outputs must agree within T * max(1, |largest output|) (default 1e-4)
        --json       also write the results as JSON to FILE
      """;

  /** Parsed command line. */
  record Options(String model, int threads, int rounds, int calls, double seconds, int batch,
      long seed, String data, double tolerance, Path json) {

    static Options parse(String[] args) {
      String model = "lenet300";
      int threads = 1;
      int rounds = 3;
      int calls = 2000;
      double seconds = 2;
      int batch = 256;
      long seed = 1;
      String data = "mnist";
      double tolerance = 1e-4;
      Path json = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          System.out.print(USAGE);
          System.exit(0);
        }
        if (i + 1 >= args.length) {
          throw new InputException(a + ": expected a value or an option name\n" + USAGE);
        }
        String v = args[++i];
        try {
          switch (a) {
            case "--model" -> model = v;
            case "--threads" -> threads = positive(a, Integer.parseInt(v));
            case "--rounds" -> rounds = positive(a, Integer.parseInt(v));
            case "--calls" -> calls = Math.max(100, Integer.parseInt(v));
            case "--seconds" -> seconds = Double.parseDouble(v);
            case "--batch" -> batch = positive(a, Integer.parseInt(v));
            case "--seed" -> seed = Long.parseLong(v);
            case "--data" -> data = v;
            case "--tolerance" -> tolerance = Double.parseDouble(v);
            case "--json" -> json = Path.of(v);
            default -> throw new InputException("unknown option " + a + "\n" + USAGE);
          }
        } catch (NumberFormatException e) {
          throw new InputException(a + ": not a number: " + v);
        }
      }
      if (!(seconds > 0) || !(tolerance > 0)) {
        throw new InputException("--seconds and --tolerance must be positive");
      }
      return new Options(model, threads, rounds, calls, seconds, batch, seed, data, tolerance,
          json);
    }

    private static int positive(String flag, int v) {
      if (v < 1) {
        throw new InputException(flag + " must be at least 1, got " + v);
      }
      return v;
    }
  }

  /** One side of the comparison: batch-1 calls on a reusable input, and batch-B calls. */
  interface Engine extends AutoCloseable {
    String name();

    /** Copies sample {@code s} of {@code x} into the batch-1 input (not timed). */
    void load1(float[] x, int s);

    /** Runs the batch-1 input; the outputs stay in the engine's batch-1 output. */
    void run1() throws OrtException;

    /** Runs the batch-B input. */
    void runBatch() throws OrtException;

    /** The last batch-1 outputs. */
    float[] out1();

    /** The last batch-B outputs. */
    float[] outBatch();

    @Override
    void close() throws OrtException;
  }

  /** Whittle's compiled plan with its input and output arrays allocated once. */
  static final class WhittleEngine implements Engine {
    private final Plan plan;
    private final int in;
    private final int batch;
    private final float[] one;
    private final float[] out1;
    private final float[] xb;
    private final float[] outB;

    WhittleEngine(Plan plan, float[] xb, int batch) {
      this.plan = plan;
      this.in = xb.length / batch;
      this.batch = batch;
      this.one = new float[in];
      this.out1 = new float[plan.outputs()];
      this.xb = xb.clone();
      this.outB = new float[batch * plan.outputs()];
    }

    @Override
    public String name() {
      return "whittle";
    }

    @Override
    public void load1(float[] x, int s) {
      System.arraycopy(x, s * in, one, 0, in);
    }

    @Override
    public void run1() {
      plan.predict(one, 1, out1);
    }

    @Override
    public void runBatch() {
      plan.predict(xb, batch, outB);
    }

    @Override
    public float[] out1() {
      return out1.clone();
    }

    @Override
    public float[] outBatch() {
      return outB.clone();
    }

    @Override
    public void close() {}
  }

  /** An ONNX Runtime session fed from direct buffers, writing into pinned direct outputs. */
  static final class OrtEngine implements Engine {
    private final OrtSession session;
    private final int in;
    private final FloatBuffer in1;
    private final FloatBuffer res1;
    private final FloatBuffer resB;
    private final OnnxTensor in1T;
    private final OnnxTensor out1T;
    private final OnnxTensor inBT;
    private final OnnxTensor outBT;
    private final Map<String, OnnxTensor> feed1;
    private final Map<String, OnnxTensor> pinned1;
    private final Map<String, OnnxTensor> feedB;
    private final Map<String, OnnxTensor> pinnedB;
    private final int outputs;
    private final int batch;

    OrtEngine(OrtEnvironment env, OrtSession session, int[] sampleShape, int outputs,
        float[] xb, int batch) throws OrtException {
      this.session = session;
      this.in = Math.toIntExact(Shapes.size(sampleShape));
      this.outputs = outputs;
      this.batch = batch;
      String inName = session.getInputNames().iterator().next();
      String outName = session.getOutputNames().iterator().next();
      in1 = direct(in);
      res1 = direct(outputs);
      FloatBuffer inB = direct(batch * in);
      inB.put(xb, 0, batch * in).rewind();
      resB = direct(batch * outputs);
      in1T = OnnxTensor.createTensor(env, in1, shape(1, sampleShape));
      out1T = OnnxTensor.createTensor(env, res1, new long[] {1, outputs});
      inBT = OnnxTensor.createTensor(env, inB, shape(batch, sampleShape));
      outBT = OnnxTensor.createTensor(env, resB, new long[] {batch, outputs});
      feed1 = Map.of(inName, in1T);
      pinned1 = Map.of(outName, out1T);
      feedB = Map.of(inName, inBT);
      pinnedB = Map.of(outName, outBT);
    }

    private static FloatBuffer direct(int floats) {
      return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }

    private static long[] shape(int n, int[] sample) {
      long[] s = new long[sample.length + 1];
      s[0] = n;
      for (int i = 0; i < sample.length; i++) {
        s[i + 1] = sample[i];
      }
      return s;
    }

    @Override
    public String name() {
      return "onnxruntime";
    }

    @Override
    public void load1(float[] x, int s) {
      in1.put(0, x, s * in, in);
    }

    @Override
    public void run1() throws OrtException {
      // The outputs are pinned: the result owns nothing, closing it frees only its holder.
      session.run(feed1, pinned1).close();
    }

    @Override
    public void runBatch() throws OrtException {
      session.run(feedB, pinnedB).close();
    }

    @Override
    public float[] out1() {
      float[] y = new float[outputs];
      res1.get(0, y);
      return y;
    }

    @Override
    public float[] outBatch() {
      float[] y = new float[batch * outputs];
      resB.get(0, y);
      return y;
    }

    @Override
    public void close() throws OrtException {
      in1T.close();
      out1T.close();
      inBT.close();
      outBT.close();
      session.close();
    }
  }

  /** One engine's figures in one round. */
  record Timing(double p50Us, double p99Us, double throughputSps) {}

  public static void main(String[] args) {
    try {
      run(Options.parse(args), System.out, System.err);
    } catch (InputException e) {
      System.err.println("OrtCompare: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("OrtCompare: internal failure");
      e.printStackTrace();
      System.exit(1);
    }
  }

  static void run(Options o, PrintStream out, PrintStream log) throws Exception {
    Parallel.setThreads(o.threads());
    Dataset test = DataSets.load(o.data(), null).test();
    Model model;
    String source;
    if (o.model().endsWith(".wtl") || Files.isRegularFile(Path.of(o.model()))) {
      model = ModelFile.load(Path.of(o.model()));
      source = o.model();
    } else {
      model = Architectures.build(o.model(), test.sampleShape(), test.classes(), o.seed());
      source = o.model() + " (seeded weights, seed " + o.seed() + ")";
    }
    int[] sample = model.inputShape();
    int in = Math.toIntExact(Shapes.size(sample));
    if (in != test.features()) {
      throw new InputException(o.model() + " expects inputs of " + Shapes.format(sample)
          + ", data set '" + o.data() + "' has " + Shapes.format(test.sampleShape()));
    }
    int batch = o.batch();
    int samples = Math.min(test.n(), Math.max(batch, 1000));
    if (samples < batch) {
      throw new InputException("--batch " + batch + " is larger than the " + test.n()
          + " test samples");
    }
    float[] x = Arrays.copyOf(test.x(), samples * in);
    float[] xb = Arrays.copyOf(x, batch * in);

    Plan plan = Plan.compile(model);
    byte[] onnx = OnnxExporter.standard().toBytes(model);
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        "whittle-bench");
    String ortVersion = env.getVersion();
    OrtSession session;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setIntraOpNumThreads(o.threads());
      opts.setInterOpNumThreads(1);
      session = env.createSession(onnx, opts);
    }
    try (WhittleEngine w = new WhittleEngine(plan, xb, batch);
        OrtEngine r = new OrtEngine(env, session, sample, plan.outputs(), xb, batch)) {
      double maxDiff = check(w, r, x, samples, o.tolerance(), log);
      log.printf(Locale.ROOT, "outputs agree: max |diff| %.3g over %d batch-1 and %d batch-%d"
          + " samples%n", maxDiff, CHECK_SAMPLES, batch, batch);
      List<Engine> engines = List.of(w, r);
      // A first warm-up (JIT compilation, ORT's arena), then rounds with their own warm-ups.
      for (Engine e : engines) {
        warmUp(e, x, samples, Math.max(0.5, o.seconds() / 2));
      }
      Map<String, List<Timing>> byEngine = new LinkedHashMap<>();
      for (Engine e : engines) {
        byEngine.put(e.name(), new ArrayList<>());
      }
      for (int round = 0; round < o.rounds(); round++) {
        List<Engine> order = round % 2 == 0 ? engines : engines.reversed();
        double[][] lat = new double[2][];
        double[] tp = new double[2];
        for (Engine e : order) {
          lat[engines.indexOf(e)] = latency(e, x, samples, o.calls());
        }
        for (Engine e : order) {
          tp[engines.indexOf(e)] = throughput(e, batch, o.seconds());
        }
        for (int i = 0; i < 2; i++) {
          Timing t = new Timing(lat[i][0], lat[i][1], tp[i]);
          byEngine.get(engines.get(i).name()).add(t);
          log.printf(Locale.ROOT, "round %d %-11s p50 %8.1f us  p99 %8.1f us  b%d %,10.0f"
              + " samples/s%n", round + 1, engines.get(i).name(), t.p50Us(), t.p99Us(), batch,
              t.throughputSps());
        }
      }
      report(o, source, model, plan, ortVersion, maxDiff, byEngine, out);
    }
  }

  static final int CHECK_SAMPLES = 64;

  /** Both engines on the same inputs: batch 1 on the first samples, and the batch-B input. */
  static double check(Engine w, Engine r, float[] x, int samples, double tol, PrintStream log)
      throws OrtException {
    double maxDiff = 0;
    for (int s = 0; s < Math.min(CHECK_SAMPLES, samples); s++) {
      w.load1(x, s);
      r.load1(x, s);
      w.run1();
      r.run1();
      maxDiff = Math.max(maxDiff, compare(w.out1(), r.out1(), tol, "batch-1 sample " + s));
    }
    w.runBatch();
    r.runBatch();
    maxDiff = Math.max(maxDiff, compare(w.outBatch(), r.outBatch(), tol, "the large batch"));
    return maxDiff;
  }

  private static double compare(float[] a, float[] b, double tol, String what) {
    double scale = 1;
    double maxDiff = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]));
      double d = Math.abs((double) a[i] - b[i]);
      if (!(d <= maxDiff)) {
        maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
      }
    }
    if (!(maxDiff <= tol * scale)) {
      throw new IllegalStateException("Whittle and ONNX Runtime disagree on " + what
          + ": max |diff| " + maxDiff + " > " + tol + " * " + scale);
    }
    return maxDiff;
  }

  private static void warmUp(Engine e, float[] x, int samples, double seconds)
      throws OrtException {
    long end = System.nanoTime() + (long) (seconds * 0.5e9);
    int i = 0;
    while (System.nanoTime() < end || i < 200) {
      e.load1(x, i++ % samples);
      e.run1();
    }
    end = System.nanoTime() + (long) (seconds * 0.5e9);
    i = 0;
    while (System.nanoTime() < end || i < 3) {
      e.runBatch();
      i++;
    }
  }

  /** {p50, p99} in microseconds of {@code calls} timed batch-1 calls after a warm-up. */
  static double[] latency(Engine e, float[] x, int samples, int calls) throws OrtException {
    int warm = Math.max(200, calls / 4);
    long[] t = new long[calls];
    for (int i = 0; i < warm + calls; i++) {
      e.load1(x, i % samples);
      long t0 = System.nanoTime();
      e.run1();
      long dt = System.nanoTime() - t0;
      if (i >= warm) {
        t[i - warm] = dt;
      }
    }
    Arrays.sort(t);
    return new double[] {
        t[calls / 2] / 1e3, t[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)] / 1e3};
  }

  /** Samples per second of back-to-back batch calls for {@code seconds}, after a warm-up. */
  static double throughput(Engine e, int batch, double seconds) throws OrtException {
    long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
    while (System.nanoTime() < warmEnd) {
      e.runBatch();
    }
    long runs = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      e.runBatch();
      runs++;
      now = System.nanoTime();
    } while (now < end || runs < 3);
    return runs * (double) batch / ((now - start) / 1e9);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static void report(Options o, String source, Model model, Plan plan, String ortVersion,
      double maxDiff, Map<String, List<Timing>> byEngine, PrintStream out) throws IOException {
    List<Timing> w = byEngine.get("whittle");
    List<Timing> r = byEngine.get("onnxruntime");
    int n = w.size();
    double[][] wv = new double[3][n];
    double[][] rv = new double[3][n];
    double[][] ratio = new double[3][n];
    for (int i = 0; i < n; i++) {
      Timing a = w.get(i);
      Timing b = r.get(i);
      wv[0][i] = a.p50Us();
      wv[1][i] = a.p99Us();
      wv[2][i] = a.throughputSps();
      rv[0][i] = b.p50Us();
      rv[1][i] = b.p99Us();
      rv[2][i] = b.throughputSps();
      ratio[0][i] = b.p50Us() / a.p50Us();
      ratio[1][i] = b.p99Us() / a.p99Us();
      ratio[2][i] = a.throughputSps() / b.throughputSps();
    }
    String[] metric = {"latency b1 p50 (us)", "latency b1 p99 (us)",
        "throughput b" + o.batch() + " (samples/s)"};
    String[] key = {"latency_us_b1_p50", "latency_us_b1_p99", "throughput_b" + o.batch() + "_sps"};
    out.printf(Locale.ROOT, "%s, %s test inputs, %d thread%s, median of %d interleaved round%s%n",
        source, o.data(), o.threads(), o.threads() == 1 ? "" : "s", n, n == 1 ? "" : "s");
    out.printf(Locale.ROOT, "Whittle plan (%,d MACs/sample) vs ONNX Runtime %s (Java API, all"
        + " optimizations, intra-op %d, inter-op 1); outputs agree, max |diff| %.2g%n%n",
        plan.macs(), ortVersion, o.threads(), maxDiff);
    out.println("| metric | Whittle | ONNX Runtime | Whittle speed vs ORT |");
    out.println("|---|---:|---:|---:|");
    for (int m = 0; m < 3; m++) {
      String fmt = m < 2 ? "%.1f" : "%,.0f";
      out.printf(Locale.ROOT, "| %s | " + fmt + " | " + fmt + " | %.2fx |%n", metric[m],
          median(wv[m]), median(rv[m]), median(ratio[m]));
    }
    out.println();
    out.println("Whittle speed vs ORT: ORT time / Whittle time, the median of the per-round"
        + " ratios; above 1x Whittle is faster.");
    if (o.json() != null) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("model", o.model());
      j.put("source", source);
      j.put("dataset", o.data());
      j.put("threads", o.threads());
      j.put("rounds", n);
      j.put("calls", o.calls());
      j.put("batch", o.batch());
      j.put("macs", plan.macs());
      j.put("params", model.paramCount());
      j.put("onnxruntime_version", ortVersion);
      j.put("java_version", Runtime.version().toString());
      j.put("max_abs_diff", maxDiff);
      Map<String, Object> whittle = new LinkedHashMap<>();
      Map<String, Object> ort = new LinkedHashMap<>();
      Map<String, Object> speed = new LinkedHashMap<>();
      for (int m = 0; m < 3; m++) {
        whittle.put(key[m], median(wv[m]));
        ort.put(key[m], median(rv[m]));
        speed.put(key[m], median(ratio[m]));
      }
      whittle.put("rounds", rounds(w, key));
      ort.put("rounds", rounds(r, key));
      j.put("whittle", whittle);
      j.put("onnxruntime", ort);
      j.put("whittle_speed_vs_ort", speed);
      Files.writeString(o.json(), Json.write(j), StandardCharsets.UTF_8);
    }
  }

  private static List<Object> rounds(List<Timing> ts, String[] key) {
    List<Object> l = new ArrayList<>();
    for (Timing t : ts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(key[0], t.p50Us());
      m.put(key[1], t.p99Us());
      m.put(key[2], t.throughputSps());
      l.add(m);
    }
    return l;
  }
}
