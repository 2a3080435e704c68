package dev.whittle.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, row-major and contiguous. The batch is the first
 * dimension wherever a tensor carries samples: (n, features) or (n, c, h, w). The data array is
 * exposed on purpose: kernels work on it directly, and layers reuse tensors between batches.
 */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  public Tensor(int[] shape, float[] data) {
    this.shape = shape.clone();
    long size = Shapes.size(this.shape);
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " values, data has " + data.length);
    }
    this.data = data;
  }

  public static Tensor zeros(int... shape) {
    return new Tensor(shape, new float[Math.toIntExact(Shapes.size(shape))]);
  }

  public static Tensor of(int[] shape, float... values) {
    return new Tensor(shape, values.clone());
  }

  /** Returns {@code t} when it already has this shape, else a new zero tensor of the shape. */
  public static Tensor reuse(Tensor t, int... shape) {
    return t != null && Arrays.equals(t.shape, shape) ? t : zeros(shape);
  }

  public int[] shape() {
    return shape.clone();
  }

  public int dim(int i) {
    return shape[i];
  }

  public int rank() {
    return shape.length;
  }

  public float[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  /** Values per sample: the product of every dimension after the first. */
  public int sampleSize() {
    return shape[0] == 0 ? 0 : data.length / shape[0];
  }

  public Tensor copy() {
    return new Tensor(shape, data.clone());
  }

  /** A view with another shape over the same data. */
  public Tensor reshape(int... newShape) {
    return new Tensor(newShape, data);
  }

  public void fill(float v) {
    Arrays.fill(data, v);
  }

  public void copyFrom(Tensor other) {
    if (other.data.length != data.length) {
      throw new IllegalArgumentException("size " + other.data.length + " != " + data.length);
    }
    System.arraycopy(other.data, 0, data, 0, data.length);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
