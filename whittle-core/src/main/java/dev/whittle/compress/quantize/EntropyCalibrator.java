package dev.whittle.compress.quantize;

import java.util.Arrays;

/**
 * TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017), as
 * pytorch-quantization's {@code _compute_amax_entropy} implements it, on the histogram of |x|
 * (m bins of width w up to the one holding max |x|, bin 0 replaced by bin 1 so that a spike of
 * ReLU zeros does not dominate). For each candidate i from min(L, m) to m bins, L the number of
 * levels (below; TensorRT's 128 at 8 bits):
 *
 * <ul>
 *   <li>P = bins[0, i) with the outliers sum(bins[i, m)) added to P[i - 1];
 *   <li>Q: bins[0, i) merged into L levels (bin j into level floor(j L / i)), each level's sum
 *       spread evenly back over the bins of the level where P is not 0;
 *   <li>KL(P || Q) = sum over P != 0 of p ln(p / q), P and Q normalized.
 * </ul>
 *
 * The threshold is t = i w for the largest i of least divergence (clamped to max |x|).
 *
 * <p>Two details follow TensorRT's MXNet and ONNX Runtime ports instead of pytorch-quantization,
 * which leaves Q[i - 1] at 0 when bin i - 1 is empty but outliers were folded into it, making
 * every candidate but i = m infinitely divergent on sparse histograms (a few far outliers): Q is
 * spread over the bins where P (outliers included) is non-empty, and a Q of 0 where P is not
 * becomes 1e-4 counts ({@code smooth_distribution}'s epsilon). On dense histograms both agree
 * with pytorch-quantization.
 *
 * <p>L is 2^(b-1) levels, or 2^b for an asymmetric scheme on non-negative data, where the whole
 * grid lies on [0, t]. The range is {@code {-t, t}} when symmetric, else {@code {max(min, -t),
 * min(max, t)}}.
 */
public final class EntropyCalibrator implements Calibrator {
  private static final double SMOOTHING = 1e-4; // counts, as in ONNX Runtime's smooth_distribution

  private final int bits;
  private final boolean symmetric;
  private final Histogram hist = new Histogram();

  /** @param signed unused: only the number of levels on |x| matters, see the class doc */
  public EntropyCalibrator(int bits, boolean symmetric, boolean signed) {
    QParams.fromRange(0f, 1f, bits, symmetric, signed); // validates bits
    this.bits = bits;
    this.symmetric = symmetric;
  }

  @Override
  public String name() {
    return "entropy";
  }

  @Override
  public void observe(float[] x, int off, int len) {
    hist.add(x, off, len);
  }

  @Override
  public float[] range() {
    if (hist.total() == 0) {
      throw new IllegalStateException("no finite values observed");
    }
    long[] abs = hist.absCounts();
    int m = abs.length;
    while (m > 0 && abs[m - 1] == 0) {
      m--;
    }
    float amax = Math.max(Math.abs(hist.min()), Math.abs(hist.max()));
    if (m == 0 || amax == 0f) {
      return new float[] {0f, 0f};
    }
    double[] bins = new double[m];
    for (int j = 0; j < m; j++) {
      bins[j] = abs[j];
    }
    if (m > 1) {
      bins[0] = bins[1];
    }
    int levels = !symmetric && hist.min() >= 0f ? 1 << bits : 1 << (bits - 1);
    int first = Math.min(levels, m);
    double[] q = new double[m];
    double[] levelSum = new double[levels];
    int[] levelNonEmpty = new int[levels];
    double outliers = 0;
    for (int j = first; j < m; j++) {
      outliers += bins[j];
    }
    int bestI = m;
    double bestKl = Double.POSITIVE_INFINITY;
    for (int i = first; i <= m; i++) {
      double kl = divergence(bins, i, outliers, levels, q, levelSum, levelNonEmpty);
      if (kl <= bestKl) {
        bestKl = kl;
        bestI = i;
      }
      if (i < m) {
        outliers -= bins[i];
      }
    }
    float t = (float) Math.min(amax, bestI * hist.binWidth());
    return symmetric ? new float[] {-t, t}
        : new float[] {Math.max(hist.min(), -t), Math.min(hist.max(), t)};
  }

  /** KL(P || Q) for the first i bins; q, levelSum and levelNonEmpty are scratch. */
  private static double divergence(double[] bins, int i, double outliers, int levels, double[] q,
      double[] levelSum, int[] levelNonEmpty) {
    Arrays.fill(levelSum, 0.0);
    Arrays.fill(levelNonEmpty, 0);
    for (int j = 0; j < i; j++) {
      int g = (int) ((long) j * levels / i);
      levelSum[g] += bins[j];
      if (p(bins, i, outliers, j) != 0) {
        levelNonEmpty[g]++;
      }
    }
    double pSum = 0;
    double qSum = 0;
    for (int j = 0; j < i; j++) {
      double p = p(bins, i, outliers, j);
      int g = (int) ((long) j * levels / i);
      q[j] = p == 0 ? 0 : Math.max(SMOOTHING, levelSum[g] / levelNonEmpty[g]);
      pSum += p;
      qSum += q[j];
    }
    double kl = 0;
    for (int j = 0; j < i; j++) {
      double p = p(bins, i, outliers, j) / pSum;
      if (p != 0) {
        kl += p * Math.log(p / (q[j] / qSum));
      }
    }
    return kl;
  }

  /** P for candidate i: bins[0, i) with the outliers added to the last. */
  private static double p(double[] bins, int i, double outliers, int j) {
    return j == i - 1 ? bins[j] + outliers : bins[j];
  }
}
