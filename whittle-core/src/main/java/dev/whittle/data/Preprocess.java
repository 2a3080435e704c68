package dev.whittle.data;

import dev.whittle.InputException;
import java.util.Arrays;

/** Per-feature standardization and seeded validation splits. */
public final class Preprocess {
  /** The smallest standard deviation {@link #meanStd} returns, so that division is safe. */
  public static final float MIN_STD = 1e-6f;

  private Preprocess() {}

  /**
   * Per-feature mean and (population) standard deviation of {@code train}, the latter floored
   * at {@link #MIN_STD}; accumulated in double.
   *
   * @return {@code {mean, std}}, each of length {@code train.features()}
   * @throws InputException if the set is empty
   */
  public static float[][] meanStd(Dataset train) {
    int n = train.n();
    int f = train.features();
    if (n == 0) {
      throw new InputException(train.name() + ": cannot compute statistics of an empty data set");
    }
    float[] x = train.x();
    double[] sum = new double[f];
    for (int i = 0; i < n; i++) {
      int base = i * f;
      for (int j = 0; j < f; j++) {
        sum[j] += x[base + j];
      }
    }
    double[] mean = new double[f];
    for (int j = 0; j < f; j++) {
      mean[j] = sum[j] / n;
    }
    double[] sq = new double[f];
    for (int i = 0; i < n; i++) {
      int base = i * f;
      for (int j = 0; j < f; j++) {
        double dlt = x[base + j] - mean[j];
        sq[j] += dlt * dlt;
      }
    }
    float[] m = new float[f];
    float[] s = new float[f];
    for (int j = 0; j < f; j++) {
      m[j] = (float) mean[j];
      s[j] = (float) Math.max(MIN_STD, Math.sqrt(sq[j] / n));
    }
    return new float[][] {m, s};
  }

  /**
   * {@code (x - mean) / std} per feature, as a new data set with the same name, labels and
   * shape.
   *
   * @throws InputException if the statistics do not have one value per feature, or a std is
   *     not a positive finite number or a mean is not finite (e.g. statistics read from a file
   *     made for another data set)
   */
  public static Dataset standardize(Dataset d, float[] mean, float[] std) {
    int f = d.features();
    if (mean.length != f || std.length != f) {
      throw new InputException(
          d.name()
              + ": has "
              + f
              + " features but the statistics have "
              + mean.length
              + " means and "
              + std.length
              + " standard deviations");
    }
    float[] inv = new float[f];
    for (int j = 0; j < f; j++) {
      if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
        throw new InputException(
            d.name()
                + ": statistics for feature "
                + j
                + " are unusable: mean "
                + mean[j]
                + ", std "
                + std[j]
                + "; expected a finite mean and a positive finite std");
      }
      inv[j] = 1f / std[j];
    }
    float[] x = d.x();
    float[] out = new float[x.length];
    int n = d.n();
    for (int i = 0; i < n; i++) {
      int base = i * f;
      for (int j = 0; j < f; j++) {
        out[base + j] = (x[base + j] - mean[j]) * inv[j];
      }
    }
    return new Dataset(d.name(), out, d.y(), n, d.sampleShape(), d.classes());
  }

  /**
   * Splits {@code data} into a training part and a validation part of {@code round(n *
   * fraction)} samples (at least 1, at most n - 1), chosen by {@link Batches#permutation}{@code
   * (n, seed, -1)}; each part keeps the original order of its samples. The same inputs always
   * give the same split, and the parts are disjoint.
   *
   * @return the training part (named like {@code data}) as {@code train} and the validation
   *     part (named {@code NAME-validation}) as {@code test}; the checksum is {@code null}
   * @throws InputException if {@code fraction} is not in (0, 1) or there are fewer than 2
   *     samples
   */
  public static Split validation(Dataset data, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new InputException("validation fraction must be in (0, 1), got " + fraction);
    }
    int n = data.n();
    if (n < 2) {
      throw new InputException(
          data.name() + ": " + n + " samples are too few to split off a validation set");
    }
    int held = (int) Math.max(1, Math.min(n - 1, Math.round(n * fraction)));
    int[] p = Batches.permutation(n, seed, -1);
    int[] val = Arrays.copyOfRange(p, 0, held);
    int[] rest = Arrays.copyOfRange(p, held, n);
    Arrays.sort(val);
    Arrays.sort(rest);
    return new Split(
        data.take(rest, data.name()), data.take(val, data.name() + "-validation"), null);
  }
}
