package dev.whittle.onnx;

import com.google.protobuf.ByteString;
import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.onnx.proto.Onnx.StringStringEntryProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Turns a TensorProto into a {@link Const}. Every size is checked before anything is allocated:
 * the dimensions against the element limit, the data fields and raw bytes against the element
 * count, external data against the size of its file, and external paths against the model's
 * folder (a path that leaves it, directly or through a symbolic link, is refused).
 */
final class TensorReader {
  private final String file;
  private final Path folder;
  private final long maxElements;

  /**
   * @param file the model's file name, for messages
   * @param folder the model's folder, where external data lives; null refuses external data
   * @param maxElements the most elements one tensor may have
   */
  TensorReader(String file, Path folder, long maxElements) {
    this.file = file;
    this.folder = folder;
    this.maxElements = maxElements;
  }

  private InputException bad(String what, String why) {
    return new InputException(file + ": " + what + " " + why);
  }

  /** @param what names the tensor in messages, such as {@code initializer 'fc1.weight'} */
  Const read(TensorProto t, String what) {
    int type = t.getDataType();
    if (!DataTypes.isSupported(type)) {
      throw bad(what, "has data type " + DataTypes.name(type)
          + "; Whittle reads float, integer and boolean tensors");
    }
    int[] dims = dims(t, what);
    int n = Dims.size(dims);
    if (t.hasSegment()) {
      throw bad(what, "is stored in segments, which Whittle does not read");
    }
    ByteBuffer raw = null;
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      raw = external(t, what, type, n);
    } else if (t.hasRawData()) {
      ByteString bytes = t.getRawData();
      long expect = DataTypes.rawBytes(type, n);
      if (bytes.size() != expect) {
        throw bad(what, "has shape " + Dims.text(dims) + " of " + DataTypes.name(type) + " ("
            + expect + " bytes) but its raw_data holds " + bytes.size() + " bytes");
      }
      raw = bytes.asReadOnlyByteBuffer();
    }
    if (raw != null) {
      ceiling(what, type, n);
      return decodeRaw(raw.slice().order(ByteOrder.LITTLE_ENDIAN), type, dims, n);
    }
    return typed(t, what, type, dims, n);
  }

  /**
   * Checks the decoded tensor (float[] or long[]) against whittle.maxTensorBytes, once its data is
   * known to be there: external data and packed types can decode to more than they take.
   */
  private void ceiling(String what, int type, int n) {
    boolean real = type == DataTypes.FLOAT || type == DataTypes.DOUBLE
        || type == DataTypes.FLOAT16 || type == DataTypes.BFLOAT16;
    Limits.checkTensor(file + ": " + what, n, real ? Float.BYTES : Long.BYTES);
  }

  private int[] dims(TensorProto t, String what) {
    int[] dims = new int[t.getDimsCount()];
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw bad(what, "has dimension " + d + " at axis " + i);
      }
      dims[i] = (int) d;
      n *= d;
      if (n > maxElements) {
        throw bad(what, "has shape " + t.getDimsList().toString().replace('[', '(')
            .replace(']', ')') + ", more than the limit of " + maxElements + " elements");
      }
    }
    return dims;
  }

  private Const typed(TensorProto t, String what, int type, int[] dims, int n) {
    int count;
    switch (type) {
      case DataTypes.FLOAT -> count = t.getFloatDataCount();
      case DataTypes.DOUBLE -> count = t.getDoubleDataCount();
      case DataTypes.INT64 -> count = t.getInt64DataCount();
      case DataTypes.UINT32, DataTypes.UINT64 -> count = t.getUint64DataCount();
      default -> count = t.getInt32DataCount();
    }
    int expect = DataTypes.bits(type) == 4 ? (n + 1) / 2 : n;
    if (count != expect) {
      throw bad(what, "has shape " + Dims.text(dims) + " (" + n + " values) but "
          + (count == 0 ? "no data" : count + " values of data"));
    }
    ceiling(what, type, n);
    switch (type) {
      case DataTypes.FLOAT -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = t.getFloatData(i);
        }
        return Const.floats(dims, f);
      }
      case DataTypes.DOUBLE -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) t.getDoubleData(i);
        }
        return Const.floats(dims, type, f);
      }
      case DataTypes.FLOAT16, DataTypes.BFLOAT16 -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = half(type, t.getInt32Data(i));
        }
        return Const.floats(dims, type, f);
      }
      case DataTypes.INT64 -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = t.getInt64Data(i);
        }
        return Const.longs(dims, type, l);
      }
      case DataTypes.UINT32, DataTypes.UINT64 -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = t.getUint64Data(i);
        }
        return Const.longs(dims, type, l);
      }
      case DataTypes.INT4, DataTypes.UINT4 -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = nibble(type, t.getInt32Data(i / 2), i % 2);
        }
        return Const.longs(dims, type, l);
      }
      default -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = narrow(type, t.getInt32Data(i));
        }
        return Const.longs(dims, type, l);
      }
    }
  }

  /** Values of 8 and 16-bit integer types as the type reads them. */
  private static long narrow(int type, int v) {
    return switch (type) {
      case DataTypes.UINT8 -> v & 0xff;
      case DataTypes.INT8 -> (byte) v;
      case DataTypes.UINT16 -> v & 0xffff;
      case DataTypes.INT16 -> (short) v;
      case DataTypes.BOOL -> v != 0 ? 1 : 0;
      default -> v;
    };
  }

  private static long nibble(int type, int packed, int which) {
    int v = (packed >> (4 * which)) & 0xf;
    return type == DataTypes.INT4 && v >= 8 ? v - 16 : v;
  }

  private static float half(int type, int bits) {
    return type == DataTypes.FLOAT16
        ? Float.float16ToFloat((short) bits)
        : Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  private static Const decodeRaw(ByteBuffer b, int type, int[] dims, int n) {
    switch (type) {
      case DataTypes.FLOAT -> {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        return Const.floats(dims, f);
      }
      case DataTypes.DOUBLE -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) b.getDouble(i * 8);
        }
        return Const.floats(dims, type, f);
      }
      case DataTypes.FLOAT16, DataTypes.BFLOAT16 -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = half(type, b.getShort(i * 2));
        }
        return Const.floats(dims, type, f);
      }
      default -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = switch (type) {
            case DataTypes.INT64, DataTypes.UINT64 -> b.getLong(i * 8);
            case DataTypes.INT32 -> b.getInt(i * 4);
            case DataTypes.UINT32 -> b.getInt(i * 4) & 0xffffffffL;
            case DataTypes.INT16 -> b.getShort(i * 2);
            case DataTypes.UINT16 -> b.getShort(i * 2) & 0xffff;
            case DataTypes.INT8 -> b.get(i);
            case DataTypes.UINT8 -> b.get(i) & 0xff;
            case DataTypes.BOOL -> b.get(i) != 0 ? 1 : 0;
            case DataTypes.INT4, DataTypes.UINT4 -> nibble(type, b.get(i / 2), i % 2);
            default -> throw new IllegalStateException("type " + type);
          };
        }
        return Const.longs(dims, type, l);
      }
    }
  }

  /** Reads the bytes of an external tensor after checking its path, offset and length. */
  private ByteBuffer external(TensorProto t, String what, int type, int n) {
    String location = null;
    long offset = 0;
    Long length = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = number(what, "offset", e.getValue());
        case "length" -> length = number(what, "length", e.getValue());
        default -> {
          // "checksum" and unknown keys are informational.
        }
      }
    }
    if (location == null || location.isEmpty()) {
      throw bad(what, "is stored externally but names no location");
    }
    if (folder == null) {
      throw bad(what, "is stored in external file '" + location
          + "', which cannot be read when the model is not read from a file");
    }
    Path base = folder.toAbsolutePath().normalize();
    Path p;
    try {
      Path rel = Path.of(location);
      if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
        throw bad(what, "has external data location '" + location
            + "', an absolute path; it must be relative to the model's folder");
      }
      p = base.resolve(rel).normalize();
    } catch (InvalidPathException e) {
      throw bad(what, "has external data location '" + location + "', which is not a valid path");
    }
    if (!p.startsWith(base) || p.equals(base)) {
      throw bad(what, "has external data location '" + location
          + "', which is outside the model's folder");
    }
    if (!Files.isRegularFile(p)) {
      throw bad(what, "is stored in external file '" + location + "', which does not exist");
    }
    long expect = DataTypes.rawBytes(type, n);
    if (expect > Integer.MAX_VALUE - 16) {
      throw bad(what, "needs " + expect + " bytes; Whittle reads tensors of up to 2 GiB");
    }
    if (length != null && length != expect) {
      throw bad(what, "has shape of " + expect + " bytes but its external data length is "
          + length);
    }
    try {
      Path real = p.toRealPath();
      Path realBase = base.toRealPath();
      if (!real.startsWith(realBase)) {
        throw bad(what, "has external data location '" + location
            + "', which links outside the model's folder");
      }
      long size = Files.size(real);
      if (offset > size || expect > size - offset) {
        throw bad(what, "needs " + expect + " bytes at offset " + offset + " of '" + location
            + "', which has " + size + " bytes");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) expect);
      try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ,
          LinkOption.NOFOLLOW_LINKS)) {
        long pos = offset;
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos);
          if (r < 0) {
            throw bad(what, "external file '" + location + "' ended early");
          }
          pos += r;
        }
      }
      buf.flip();
      return buf;
    } catch (IOException e) {
      throw bad(what, "cannot read external file '" + location + "': " + e.getMessage());
    }
  }

  private long number(String what, String key, String v) {
    try {
      long x = Long.parseLong(v.trim());
      if (x < 0) {
        throw new NumberFormatException();
      }
      return x;
    } catch (NumberFormatException e) {
      throw bad(what, "has external data " + key + " '" + v + "', expected a byte count");
    }
  }
}
