package dev.whittle.train;

import dev.whittle.InputException;
import dev.whittle.tensor.Tensor;

/**
 * The soft-target loss of Hinton, Vinyals and Dean 2015 ("Distilling the knowledge in a neural
 * network", section 2), per sample
 *
 * <pre>
 *   alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) * CE(y, z_s)
 * </pre>
 *
 * averaged over the batch, as PyTorch's {@code kl_div(..., reduction="batchmean")} and {@code
 * cross_entropy}. Its gradient with respect to the student's logits z_s is
 *
 * <pre>
 *   alpha * T * (softmax(z_s / T) - softmax(z_t / T)) + (1 - alpha) * (softmax(z_s) - onehot(y))
 * </pre>
 *
 * over n: the T^2 keeps the soft term's gradient on the scale of the hard term's whatever T is
 * (the paper's remark at the end of section 2). Computed in float64 with the max subtracted, so
 * any finite logits are safe.
 *
 * @param temperature T, above 0
 * @param alpha the weight of the soft term, in [0, 1]; 1 needs no labels
 */
public record DistillationLoss(double temperature, double alpha) {
  public DistillationLoss {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new InputException("--temperature must be above 0, got " + temperature);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new InputException("--alpha must be in [0, 1], got " + alpha);
    }
  }

  /**
   * The mean loss of the student's logits (n, k) against the teacher's (n * k floats, row-major)
   * and the labels; writes its gradient into {@code grad} (n, k).
   *
   * @param labels the true labels (n), or {@code null} when alpha is 1 (no label is read)
   */
  public double compute(Tensor student, float[] teacher, int[] labels, Tensor grad) {
    int n = student.dim(0);
    int k = student.sampleSize();
    if (teacher.length < n * k) {
      throw new IllegalArgumentException("teacher logits hold " + teacher.length
          + " values, expected " + n + " x " + k);
    }
    if (labels == null && alpha != 1) {
      throw new IllegalArgumentException("alpha " + alpha + " mixes in labels; none were given");
    }
    float[] zs = student.data();
    float[] g = grad.data();
    double[] ps = new double[k]; // softmax(z_s / T)
    double[] pt = new double[k]; // softmax(z_t / T)
    double[] p1 = new double[k]; // softmax(z_s)
    double total = 0;
    for (int i = 0; i < n; i++) {
      int base = i * k;
      double logZs = logSoftmax(zs, base, k, temperature, ps);
      double logZt = logSoftmax(teacher, base, k, temperature, pt);
      double kl = 0;
      for (int j = 0; j < k; j++) {
        double logPt = teacher[base + j] / temperature - logZt;
        double logPs = zs[base + j] / temperature - logZs;
        if (pt[j] > 0) {
          kl += pt[j] * (logPt - logPs);
        }
      }
      double ce = 0;
      if (alpha < 1) {
        double logZ = logSoftmax(zs, base, k, 1, p1);
        ce = logZ - zs[base + labels[i]];
      }
      total += alpha * temperature * temperature * kl + (1 - alpha) * ce;
      for (int j = 0; j < k; j++) {
        double d = alpha * temperature * (ps[j] - pt[j]);
        if (alpha < 1) {
          d += (1 - alpha) * (p1[j] - (j == labels[i] ? 1 : 0));
        }
        g[base + j] = (float) (d / n);
      }
    }
    return total / n;
  }

  /**
   * Writes softmax(z[base..base+k) / t) into {@code p} and returns log sum_j exp(z_j / t), the
   * normalizer, so that log p_j = z_j / t - the result.
   */
  private static double logSoftmax(float[] z, int base, int k, double t, double[] p) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, z[base + j] / t);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      p[j] = Math.exp(z[base + j] / t - max);
      sum += p[j];
    }
    for (int j = 0; j < k; j++) {
      p[j] /= sum;
    }
    return max + Math.log(sum);
  }
}
