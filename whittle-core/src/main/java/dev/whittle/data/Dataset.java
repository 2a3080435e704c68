package dev.whittle.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable labelled (or unlabelled) set of samples held in memory.
 *
 * <p>{@code x} holds {@code n} samples of {@link #features()} floats each, row-major; {@code
 * y} holds one class label in {@code [0, classes)} per sample, or is {@code null} for an
 * unlabelled set (then {@code classes} may be 0). The arrays are not copied, neither here nor by
 * the accessors, so that a 188 MB training set is not duplicated: nobody may write to them
 * after construction. Every operation that changes data returns a new {@code Dataset}.
 *
 * <p>The constructor checks consistency and throws {@link IllegalArgumentException}: a data set
 * is built by the loaders of this package, which report bad files as {@link
 * dev.whittle.InputException} before they get here, so a failure here is a programming error.
 *
 * @param name a short name for messages and reports, e.g. {@code mnist}
 * @param x the samples, {@code n * features()} floats
 * @param y the labels, {@code n} values in {@code [0, classes)}, or {@code null}
 * @param n the number of samples, at least 0
 * @param sampleShape the shape of one sample, e.g. {@code (1, 28, 28)}; every dimension at
 *     least 1
 * @param classes the number of classes, at least 1 when labelled
 */
public record Dataset(String name, float[] x, int[] y, int n, int[] sampleShape, int classes) {

  /** Checks the fields; see the class comment. */
  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(sampleShape, "sampleShape");
    sampleShape = sampleShape.clone();
    if (n < 0) {
      throw new IllegalArgumentException(name + ": n must be >= 0, got " + n);
    }
    if (sampleShape.length == 0) {
      throw new IllegalArgumentException(name + ": sampleShape must have at least one dimension");
    }
    long features = 1;
    for (int d : sampleShape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            name + ": sampleShape dimensions must be >= 1, got " + Arrays.toString(sampleShape));
      }
      features *= d;
      if (features > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + ": sample too large: " + Arrays.toString(sampleShape));
      }
    }
    if ((long) n * features != x.length) {
      throw new IllegalArgumentException(
          name
              + ": x has "
              + x.length
              + " values, expected n * features = "
              + n
              + " * "
              + features);
    }
    if (y == null) {
      if (classes < 0) {
        throw new IllegalArgumentException(name + ": classes must be >= 0, got " + classes);
      }
    } else {
      if (classes < 1) {
        throw new IllegalArgumentException(name + ": classes must be >= 1, got " + classes);
      }
      if (y.length != n) {
        throw new IllegalArgumentException(
            name + ": y has " + y.length + " labels, expected n = " + n);
      }
      for (int i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= classes) {
          throw new IllegalArgumentException(
              name + ": label " + y[i] + " at " + i + " out of range [0, " + classes + ")");
        }
      }
    }
  }

  /** The shape of one sample (a copy). */
  @Override
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  /** Floats per sample: the product of {@link #sampleShape()}. */
  public int features() {
    int f = 1;
    for (int d : sampleShape) {
      f *= d;
    }
    return f;
  }

  /** Whether the set has labels. */
  public boolean labelled() {
    return y != null;
  }

  /** Samples {@code [from, to)} as a new data set with the same name (copies the data). */
  public Dataset subset(int from, int to) {
    Objects.checkFromToIndex(from, to, n);
    int f = features();
    float[] xs = Arrays.copyOfRange(x, from * f, to * f);
    int[] ys = y == null ? null : Arrays.copyOfRange(y, from, to);
    return new Dataset(name, xs, ys, to - from, sampleShape, classes);
  }

  /** The samples at {@code indices}, in that order (repeats allowed), as a new data set. */
  public Dataset take(int[] indices, String name) {
    int f = features();
    float[] xs = new float[Math.multiplyExact(indices.length, f)];
    int[] ys = y == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int s = Objects.checkIndex(indices[i], n);
      System.arraycopy(x, s * f, xs, i * f, f);
      if (ys != null) {
        ys[i] = y[s];
      }
    }
    return new Dataset(name, xs, ys, indices.length, sampleShape, classes);
  }

  /** The first {@code min(count, n)} samples. */
  public Dataset head(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return count >= n ? this : subset(0, count);
  }

  /** A copy with another name (the arrays are shared). */
  public Dataset withName(String newName) {
    return new Dataset(newName, x, y, n, sampleShape, classes);
  }

  /** The number of samples of each class (length {@code classes}); all zero when unlabelled. */
  public int[] classCounts() {
    int[] counts = new int[classes];
    if (y != null) {
      for (int label : y) {
        counts[label]++;
      }
    }
    return counts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dataset d
        && n == d.n
        && classes == d.classes
        && name.equals(d.name)
        && Arrays.equals(sampleShape, d.sampleShape)
        && Arrays.equals(x, d.x)
        && Arrays.equals(y, d.y);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, n, classes, Arrays.hashCode(sampleShape));
  }

  @Override
  public String toString() {
    return name
        + " ("
        + n
        + " samples of "
        + Arrays.toString(sampleShape)
        + (y == null ? ", unlabelled)" : ", " + classes + " classes)");
  }
}
