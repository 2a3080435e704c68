package dev.whittle.io;

import static dev.whittle.io.WtlFormat.*;

import dev.whittle.InputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a {@link WtlModel} in the {@code .wtl} format described in {@link dev.whittle.io}. The
 * same model always gives the same bytes: no timestamps, lists and maps in their stored order.
 */
public final class WtlWriter {
  /** Bytes a deflated section must save to be stored so. */
  static final int MIN_DEFLATE_GAIN = 64;

  private WtlWriter() {}

  /**
   * Writes {@code model} to {@code out} atomically (see {@link AtomicFile}).
   *
   * @throws InputException if the folder of {@code out} is missing, writing fails, or the model
   *     needs more than 2 GiB
   * @throws IllegalArgumentException if a string is not valid Unicode (an unpaired surrogate)
   */
  public static void write(WtlModel model, Path out) {
    AtomicFile.checkTarget(out);
    AtomicFile.write(out, encode(model, out.toString()));
  }

  /**
   * The file bytes for {@code model}.
   *
   * @throws InputException if the model needs more than 2 GiB
   * @throws IllegalArgumentException if a string is not valid Unicode (an unpaired surrogate)
   */
  public static byte[] toBytes(WtlModel model) {
    return encode(model, null);
  }

  /** The file bytes; {@code label} (or null) starts the size error message. */
  private static byte[] encode(WtlModel m, String label) {
    int[] tags = {GRPH, TENS, CONS, STAT, PROV};
    long[] lengths = new long[tags.length];
    byte[][] packed = new byte[tags.length][]; // a metadata section stored deflated, or null
    long total = HEADER_BYTES + SECTION_HEAD_BYTES + CRC_BYTES; // header and end marker
    for (int i = 0; i < tags.length; i++) {
      Out counter = new Out(null);
      section(counter, tags[i], m);
      lengths[i] = counter.count;
      if (tags[i] != TENS && lengths[i] > DEFL_HEAD_BYTES) {
        packed[i] = deflated(tags[i], m, lengths[i]);
      }
      long stored = packed[i] != null ? DEFL_HEAD_BYTES + packed[i].length : lengths[i];
      total += SECTION_HEAD_BYTES + stored + CRC_BYTES;
    }
    if (total > MAX_FILE_BYTES) {
      String message =
          "the model needs " + bytes(total) + ", more than the 2 GiB a .wtl file can hold";
      throw new InputException(label == null ? message : label + ": " + message);
    }
    boolean anyPacked = java.util.Arrays.stream(packed).anyMatch(java.util.Objects::nonNull);
    ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    Out out = new Out(buf);
    buf.put(MAGIC);
    // Version 1 readers skip unknown sections, so a file with a deflated one says version 2.
    buf.putShort((short) (anyPacked ? VERSION : 1));
    buf.putShort((short) 0);
    for (int i = 0; i < tags.length; i++) {
      int start = buf.position();
      if (packed[i] != null) {
        buf.putInt(DEFL);
        buf.putLong(DEFL_HEAD_BYTES + packed[i].length);
        buf.putInt(tags[i]).putLong(lengths[i]).put(packed[i]);
        putCrc(buf, start);
        continue;
      }
      buf.putInt(tags[i]);
      buf.putLong(lengths[i]);
      section(out, tags[i], m);
      if (buf.position() - start - SECTION_HEAD_BYTES != lengths[i]) {
        throw new IllegalStateException("section " + tagName(tags[i]) + " size changed");
      }
      putCrc(buf, start);
    }
    int start = buf.position();
    buf.putInt(ENDS);
    buf.putLong(0);
    putCrc(buf, start);
    if (buf.hasRemaining()) {
      throw new IllegalStateException("file size miscounted");
    }
    return buf.array();
  }

  /**
   * The payload of a metadata section deflated, when that saves at least {@value
   * #MIN_DEFLATE_GAIN} bytes; else null. Metadata is mostly names and provenance text, which
   * deflate shrinks to a third; a small model's stays plain (and its file version 1).
   */
  private static byte[] deflated(int tag, WtlModel m, long length) {
    if (length > Integer.MAX_VALUE - 8) {
      return null;
    }
    ByteBuffer raw = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
    section(new Out(raw), tag, m);
    byte[] z = Deflate.deflate(raw.array());
    return DEFL_HEAD_BYTES + z.length + MIN_DEFLATE_GAIN <= length ? z : null;
  }

  /** A whole section (tag, length, payload, CRC) around {@code payload}; for tests and tools. */
  static byte[] section(int tag, byte[] payload) {
    ByteBuffer buf =
        ByteBuffer.allocate(SECTION_HEAD_BYTES + payload.length + CRC_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(tag).putLong(payload.length).put(payload);
    putCrc(buf, 0);
    return buf.array();
  }

  private static void putCrc(ByteBuffer buf, int start) {
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), start, buf.position() - start);
    buf.putInt((int) crc.getValue());
  }

  private static void section(Out o, int tag, WtlModel m) {
    if (tag == GRPH) {
      o.count(m.nodes().size());
      for (NodeRecord n : m.nodes()) {
        o.string(n.name());
        o.string(n.kind());
        o.count(n.inputs().size());
        for (String in : n.inputs()) {
          o.string(in);
        }
        attrs(o, n.attrs());
      }
    } else if (tag == TENS) {
      tensors(o, m.tensors());
    } else if (tag == CONS) {
      o.count(m.constraints().size());
      for (ConstraintRecord c : m.constraints()) {
        o.string(c.parameter());
        o.string(c.kind());
        attrs(o, c.attrs());
        tensors(o, c.tensors());
      }
    } else if (tag == STAT) {
      tensors(o, m.state());
    } else if (tag == PROV) {
      o.count(m.provenance().size());
      for (Map.Entry<String, String> e : m.provenance().entrySet()) {
        o.string(e.getKey());
        o.string(e.getValue());
      }
    } else {
      throw new IllegalArgumentException(tagName(tag));
    }
  }

  private static void tensors(Out o, List<TensorRecord> tensors) {
    o.count(tensors.size());
    for (TensorRecord t : tensors) {
      o.string(t.name());
      o.u16(t.encoding().tag());
      int[] shape = t.shapeNoCopy();
      o.u8(shape.length);
      for (int d : shape) {
        o.u32(d);
      }
      byte[] p = t.payloadNoCopy();
      o.u64(p.length);
      o.bytes(p);
    }
  }

  private static void attrs(Out o, Attrs attrs) {
    Map<String, Object> map = attrs.rawMap();
    o.count(map.size());
    for (Map.Entry<String, Object> e : map.entrySet()) {
      o.string(e.getKey());
      Object v = e.getValue();
      if (v instanceof Long l) {
        o.u8(ATTR_LONG);
        o.u64(l);
      } else if (v instanceof Double d) {
        o.u8(ATTR_DOUBLE);
        o.u64(Double.doubleToRawLongBits(d));
      } else if (v instanceof String s) {
        o.u8(ATTR_STRING);
        o.string(s);
      } else if (v instanceof long[] a) {
        o.u8(ATTR_LONGS);
        o.count(a.length);
        for (long x : a) {
          o.u64(x);
        }
      } else if (v instanceof double[] a) {
        o.u8(ATTR_DOUBLES);
        o.count(a.length);
        for (double x : a) {
          o.u64(Double.doubleToRawLongBits(x));
        }
      } else {
        throw new IllegalStateException("attribute value of type " + v.getClass());
      }
    }
  }

  /** Writes little-endian values into a buffer, or only counts them when the buffer is null. */
  private static final class Out {
    private final ByteBuffer buf;
    private final CharsetEncoder utf8 =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    long count;

    Out(ByteBuffer buf) {
      this.buf = buf;
    }

    void u8(int v) {
      if (buf != null) {
        buf.put((byte) v);
      }
      count += 1;
    }

    void u16(int v) {
      if (buf != null) {
        buf.putShort((short) v);
      }
      count += 2;
    }

    void u32(int v) {
      if (buf != null) {
        buf.putInt(v);
      }
      count += 4;
    }

    void count(int n) {
      u32(n);
    }

    void u64(long v) {
      if (buf != null) {
        buf.putLong(v);
      }
      count += 8;
    }

    void bytes(byte[] b) {
      if (buf != null) {
        buf.put(b);
      }
      count += b.length;
    }

    void string(String s) {
      byte[] b;
      if (isAscii(s)) {
        b = s.getBytes(StandardCharsets.ISO_8859_1);
      } else {
        try {
          ByteBuffer e = utf8.reset().encode(CharBuffer.wrap(s));
          b = new byte[e.remaining()];
          e.get(b);
        } catch (CharacterCodingException e) {
          throw new IllegalArgumentException(
              "string " + quote(s) + " is not valid Unicode (unpaired surrogate)", e);
        }
      }
      u32(b.length);
      bytes(b);
    }

    private static boolean isAscii(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }
  }
}
