package dev.whittle.io;

import dev.whittle.InputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor as stored: encoding, shape and the encoded payload bytes. The record keeps
 * private copies of {@code shape} and {@code payload}; the accessors return copies too ({@link
 * #payloadView()} reads without copying). Equality is by content.
 *
 * @param name non-empty, unique within its list
 * @param encoding how {@code payload} encodes the values
 * @param shape at most {@value #MAX_RANK} dimensions, each at least 0; rank 0 is a scalar
 * @param payload exactly {@link Encoding#expectedBytes} bytes for fixed-size encodings
 */
public record TensorRecord(String name, Encoding encoding, int[] shape, byte[] payload) {
  /** The largest rank a tensor may have. */
  public static final int MAX_RANK = 8;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on an empty name, a rank above 8, a negative dimension, an
   *     element count beyond a long, or a payload whose size the encoding rejects
   */
  public TensorRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(payload, "payload");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("tensor name is empty");
    }
    shape = shape.clone();
    if (shape.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "tensor "
              + WtlFormat.quote(name)
              + " has rank "
              + shape.length
              + ", more than "
              + MAX_RANK);
    }
    elementCount(name, shape);
    long expected = encoding.expectedBytes(shape);
    if (expected >= 0 && expected != payload.length) {
      throw new IllegalArgumentException(
          "tensor "
              + WtlFormat.quote(name)
              + ": "
              + encoding
              + " shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " payload bytes, got "
              + payload.length);
    }
    payload = payload.clone();
  }

  /** A float32 tensor; {@code data} is row-major and must have exactly as many values as the shape. */
  public static TensorRecord f32(String name, int[] shape, float[] data) {
    checkLength(name, shape, data.length);
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(data.length, 4));
    b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
    return new TensorRecord(name, Encoding.F32, shape, b.array());
  }

  /** An int32 tensor (indices); {@code data} is row-major with one value per element. */
  public static TensorRecord i32(String name, int[] shape, int[] data) {
    checkLength(name, shape, data.length);
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(data.length, 4));
    b.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(data);
    return new TensorRecord(name, Encoding.I32, shape, b.array());
  }

  /** A raw-byte tensor with one byte per element. */
  public static TensorRecord u8(String name, int[] shape, byte[] data) {
    checkLength(name, shape, data.length);
    return new TensorRecord(name, Encoding.U8, shape, data);
  }

  private static void checkLength(String name, int[] shape, int length) {
    long n = elementCount(name, shape);
    if (n != length) {
      throw new IllegalArgumentException(
          "tensor "
              + WtlFormat.quote(name)
              + ": shape "
              + Arrays.toString(shape)
              + " has "
              + n
              + " elements, got "
              + length
              + " values");
    }
  }

  private static long elementCount(String name, int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor " + WtlFormat.quote(name) + " has negative dimension " + d);
      }
    }
    for (int d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (int d : shape) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "tensor "
                + WtlFormat.quote(name)
                + " shape "
                + Arrays.toString(shape)
                + " has more elements than a long can count",
            e);
      }
    }
    return n;
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** A copy of the payload bytes. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload without copying: a read-only little-endian buffer over the stored bytes. */
  public ByteBuffer payloadView() {
    return ByteBuffer.wrap(payload).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The stored payload itself, for this package's writer only; never modify or leak it. */
  byte[] payloadNoCopy() {
    return payload;
  }

  /** The stored shape itself, for this package only; never modify or leak it. */
  int[] shapeNoCopy() {
    return shape;
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The dimension {@code i}. */
  public int dim(int i) {
    return shape[i];
  }

  /** The product of the dimensions (1 for a scalar, 0 if any dimension is 0). */
  public long elements() {
    return elementCount(name, shape);
  }

  /**
   * The values of an {@link Encoding#F32} tensor, row-major.
   *
   * @throws InputException if the tensor has another encoding
   */
  public float[] toFloats() {
    requireEncoding(Encoding.F32);
    float[] out = new float[payload.length / 4];
    payloadView().asFloatBuffer().get(out);
    return out;
  }

  /**
   * The values of an {@link Encoding#I32} tensor, row-major.
   *
   * @throws InputException if the tensor has another encoding
   */
  public int[] toInts() {
    requireEncoding(Encoding.I32);
    int[] out = new int[payload.length / 4];
    payloadView().asIntBuffer().get(out);
    return out;
  }

  private void requireEncoding(Encoding wanted) {
    if (encoding != wanted) {
      throw new InputException(
          "tensor " + WtlFormat.quote(name) + " is encoded " + encoding + ", expected " + wanted);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorRecord t
        && name.equals(t.name)
        && encoding == t.encoding
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(payload, t.payload);
  }

  @Override
  public int hashCode() {
    int h = name.hashCode();
    h = 31 * h + encoding.tag();
    h = 31 * h + Arrays.hashCode(shape);
    return 31 * h + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "TensorRecord["
        + name
        + ", "
        + encoding
        + " "
        + Arrays.toString(shape)
        + ", "
        + payload.length
        + " bytes]";
  }
}
