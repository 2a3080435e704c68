package dev.whittle.onnx;

/** ONNX TensorProto.DataType numbers and their element sizes. */
final class DataTypes {
  static final int UNDEFINED = 0;
  static final int FLOAT = 1;
  static final int UINT8 = 2;
  static final int INT8 = 3;
  static final int UINT16 = 4;
  static final int INT16 = 5;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int STRING = 8;
  static final int BOOL = 9;
  static final int FLOAT16 = 10;
  static final int DOUBLE = 11;
  static final int UINT32 = 12;
  static final int UINT64 = 13;
  static final int BFLOAT16 = 16;
  static final int UINT4 = 21;
  static final int INT4 = 22;

  private DataTypes() {}

  static boolean isFloat(int t) {
    return t == FLOAT || t == DOUBLE || t == FLOAT16 || t == BFLOAT16;
  }

  static boolean isSupported(int t) {
    return switch (t) {
      case FLOAT, UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, FLOAT16, DOUBLE, UINT32, UINT64,
          BFLOAT16, UINT4, INT4 -> true;
      default -> false;
    };
  }

  /** Bits per element in raw_data. */
  static int bits(int t) {
    return switch (t) {
      case UINT4, INT4 -> 4;
      case UINT8, INT8, BOOL -> 8;
      case UINT16, INT16, FLOAT16, BFLOAT16 -> 16;
      case FLOAT, INT32, UINT32 -> 32;
      case INT64, DOUBLE, UINT64 -> 64;
      default -> 0;
    };
  }

  /** Bytes that {@code n} elements take in raw_data. */
  static long rawBytes(int t, long n) {
    return bits(t) == 4 ? (n + 1) / 2 : n * (bits(t) / 8);
  }

  /** The inclusive range of an integer type, for saturation in QuantizeLinear. */
  static long min(int t) {
    return switch (t) {
      case UINT8, UINT16, UINT32, UINT64, UINT4, BOOL -> 0;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT4 -> -8;
      default -> Long.MIN_VALUE;
    };
  }

  static long max(int t) {
    return switch (t) {
      case UINT8 -> 255;
      case UINT16 -> 65535;
      case UINT32 -> 0xffffffffL;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case UINT4 -> 15;
      case INT4 -> 7;
      case BOOL -> 1;
      default -> Long.MAX_VALUE;
    };
  }

  static String name(int t) {
    return switch (t) {
      case FLOAT -> "FLOAT";
      case UINT8 -> "UINT8";
      case INT8 -> "INT8";
      case UINT16 -> "UINT16";
      case INT16 -> "INT16";
      case INT32 -> "INT32";
      case INT64 -> "INT64";
      case STRING -> "STRING";
      case BOOL -> "BOOL";
      case FLOAT16 -> "FLOAT16";
      case DOUBLE -> "DOUBLE";
      case UINT32 -> "UINT32";
      case UINT64 -> "UINT64";
      case BFLOAT16 -> "BFLOAT16";
      case UINT4 -> "UINT4";
      case INT4 -> "INT4";
      default -> "type " + t;
    };
  }
}
