package dev.whittle.compress.distill;

import dev.whittle.data.Dataset;
import dev.whittle.plan.Plan;
import dev.whittle.train.Evaluation;
import dev.whittle.train.TrainingBatch;
import java.util.Arrays;

/**
 * A teacher's outputs for the training batches, from its compiled plan. When the inputs do not
 * change between epochs they are computed once for every sample and looked up by index
 * afterwards, so distillation costs one teacher pass more than plain training; with
 * augmentation the teacher runs on every changed batch.
 */
final class TeacherOutputs {
  private static final int BATCH = 256;

  private final Plan plan;
  private final int k;
  private final float[] cache; // (n, k), or null: run the plan on every batch
  private long samplesRun;
  private long nanos;

  /**
   * @param cache whether to compute every sample of {@code data} now and look batches up later;
   *     only right when the trainer does not change the inputs
   */
  TeacherOutputs(Plan plan, Dataset data, boolean cache) {
    this.plan = plan;
    this.k = plan.outputs();
    this.cache = cache ? all(data) : null;
  }

  int outputs() {
    return k;
  }

  /** The outputs (m, k) for a training batch. */
  float[] forBatch(TrainingBatch b) {
    int m = b.samples().length;
    if (cache == null) {
      long t0 = System.nanoTime();
      float[] out = plan.predict(b.inputs().data(), m);
      nanos += System.nanoTime() - t0;
      samplesRun += m;
      return out;
    }
    float[] out = new float[m * k];
    for (int i = 0; i < m; i++) {
      System.arraycopy(cache, b.samples()[i] * k, out, i * k, k);
    }
    return out;
  }

  /** The teacher's argmax for every sample of {@code data}, as labels. */
  int[] argmax(Dataset data) {
    float[] z = cache != null ? cache : all(data);
    return argmax(z, data.n(), k);
  }

  static int[] argmax(float[] z, int n, int k) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = Evaluation.argmax(z, i * k, k);
    }
    return y;
  }

  /** Samples the teacher has run on so far. */
  long samplesRun() {
    return samplesRun;
  }

  /** Seconds spent running the teacher. */
  double seconds() {
    return nanos / 1e9;
  }

  private float[] all(Dataset data) {
    long t0 = System.nanoTime();
    int f = data.features();
    float[] out = new float[data.n() * k];
    float[] buf = new float[BATCH * k];
    for (int from = 0; from < data.n(); from += BATCH) {
      int m = Math.min(BATCH, data.n() - from);
      plan.predict(Arrays.copyOfRange(data.x(), from * f, (from + m) * f), m, buf);
      System.arraycopy(buf, 0, out, from * k, m * k);
    }
    samplesRun += data.n();
    nanos += System.nanoTime() - t0;
    return out;
  }
}
