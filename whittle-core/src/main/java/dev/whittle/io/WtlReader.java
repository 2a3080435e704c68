package dev.whittle.io;

import static dev.whittle.io.WtlFormat.*;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads the {@code .wtl} format described in {@link dev.whittle.io}. Every problem with the
 * content is an {@link InputException} whose one-line message starts with the file name; the
 * reader checks every length and count against the bytes that remain before allocating, and
 * every tensor's element count against the system property {@code whittle.maxTensorElements}
 * (default 2^30).
 */
public final class WtlReader {
  private WtlReader() {}

  /**
   * Reads the model in {@code in}.
   *
   * @throws InputException if the file is missing, unreadable, larger than 2 GiB or not a valid
   *     {@code .wtl} file
   */
  public static WtlModel read(Path in) {
    String name = in.toString();
    byte[] b;
    try {
      if (Files.isDirectory(in)) {
        throw new InputException(name + ": is a folder, expected a .wtl file");
      }
      try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
        long size = ch.size();
        if (size > MAX_FILE_BYTES) {
          throw new InputException(
              name + ": file is " + bytes(size) + ", more than the 2 GiB a .wtl file can hold");
        }
        b = new byte[(int) size];
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.position() < b.length) {
          // Chunks keep the JDK's temporary direct buffer small.
          buf.limit(Math.min(b.length, buf.position() + (1 << 20)));
          if (ch.read(buf) < 0) {
            throw new InputException(name + ": file shrank while being read");
          }
        }
        if (ch.read(ByteBuffer.allocate(1)) > 0) {
          throw new InputException(name + ": file grew while being read");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InputException(name + ": file not found", e);
    } catch (AccessDeniedException e) {
      throw new InputException(name + ": cannot read (permission denied)", e);
    } catch (IOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new InputException(name + ": cannot read: " + why.replaceAll("[\\r\\n]+", " "), e);
    }
    return fromBytes(b, name);
  }

  /**
   * Parses a model from the bytes of a file.
   *
   * @param fileName starts every error message
   * @throws InputException if {@code bytes} is not a valid {@code .wtl} file
   */
  public static WtlModel fromBytes(byte[] bytes, String fileName) {
    try {
      return new Parser(bytes, fileName).parse();
    } catch (InputException e) {
      throw e;
    } catch (BufferUnderflowException
        | IndexOutOfBoundsException
        | IllegalArgumentException
        | ArithmeticException
        | NegativeArraySizeException e) {
      // Defensive: every read is bounds-checked explicitly, so this is not expected.
      throw new InputException(fileName + ": malformed content (" + e + ")", e);
    }
  }

  private static final class Parser {
    private final byte[] file;
    private final String fileName;
    private final long maxElements = maxTensorElements();
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    Parser(byte[] file, String fileName) {
      this.file = file;
      this.fileName = fileName;
    }

    private InputException fail(String message) {
      return new InputException(fileName + ": " + message);
    }

    WtlModel parse() {
      ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      header(bb);
      List<NodeRecord> nodes = List.of();
      List<TensorRecord> tensors = List.of();
      List<ConstraintRecord> constraints = List.of();
      List<TensorRecord> state = List.of();
      Map<String, String> provenance = Map.of();
      Set<Integer> seen = new HashSet<>();
      while (true) {
        int start = bb.position();
        int remaining = bb.remaining();
        if (remaining == 0) {
          throw fail("truncated: no end marker");
        }
        if (remaining < SECTION_HEAD_BYTES) {
          throw fail(
              "truncated: a section header needs "
                  + SECTION_HEAD_BYTES
                  + " bytes, "
                  + remaining
                  + " remain");
        }
        int tag = bb.getInt();
        long length = bb.getLong();
        int avail = bb.remaining();
        if (Long.compareUnsigned(length, avail) > 0) {
          throw fail(
              "truncated: section "
                  + tagName(tag)
                  + " claims "
                  + Long.toUnsignedString(length)
                  + " bytes, "
                  + avail
                  + " remain");
        }
        if (length + CRC_BYTES > avail) {
          throw fail(
              "truncated: section "
                  + tagName(tag)
                  + " is missing its checksum (needs "
                  + CRC_BYTES
                  + " bytes, "
                  + (avail - length)
                  + " remain)");
        }
        int payloadStart = bb.position();
        int payloadEnd = payloadStart + (int) length;
        CRC32C crc = new CRC32C();
        crc.update(file, start, payloadEnd - start);
        bb.position(payloadEnd);
        int stored = bb.getInt();
        if ((int) crc.getValue() != stored) {
          throw fail("section " + tagName(tag) + " is corrupted (CRC-32C mismatch)");
        }
        if (tag == ENDS) {
          if (length != 0) {
            throw fail("end marker has a " + length + "-byte payload, expected none");
          }
          if (bb.hasRemaining()) {
            throw fail(
                "trailing garbage: "
                    + bb.remaining()
                    + " bytes after the end marker (expected end of file)");
          }
          break;
        }
        ByteBuffer payload = ByteBuffer.wrap(file, payloadStart, (int) length).slice();
        if (tag == DEFL) {
          if (version < 2) {
            throw fail("a deflated section in a version " + version + " file (needs version 2)");
          }
          if (length < DEFL_HEAD_BYTES) {
            throw fail("deflated section of " + length + " bytes, shorter than its "
                + DEFL_HEAD_BYTES + "-byte head");
          }
          ByteBuffer h = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
          tag = h.getInt();
          long size = h.getLong();
          if (!(tag == GRPH || tag == CONS || tag == STAT || tag == PROV)) {
            throw fail("deflated section holds " + tagName(tag) + "; only GRPH, CONS, STAT and"
                + " PROV are stored deflated");
          }
          if (size > 4 * maxElements) {
            throw fail("deflated " + tagName(tag) + " claims " + Long.toUnsignedString(size)
                + " bytes, above the limit of " + 4 * maxElements + " (" + MAX_ELEMENTS_PROPERTY
                + ")");
          }
          payload = ByteBuffer.wrap(Deflate.inflate(file, payloadStart + DEFL_HEAD_BYTES,
              (int) length - DEFL_HEAD_BYTES, size, fileName + ": deflated " + tagName(tag)));
        }
        boolean known =
            tag == GRPH || tag == TENS || tag == CONS || tag == STAT || tag == PROV;
        if (!known) {
          continue; // a section from a newer Whittle: skip it
        }
        if (!seen.add(tag)) {
          throw fail("section " + tagName(tag) + " appears twice");
        }
        Cursor c = new Cursor(payload.order(ByteOrder.LITTLE_ENDIAN), "section " + tagName(tag));
        if (tag == GRPH) {
          nodes = nodes(c);
        } else if (tag == TENS) {
          tensors = tensors(c, "tensor");
        } else if (tag == CONS) {
          constraints = constraints(c);
        } else if (tag == STAT) {
          state = tensors(c, "state tensor");
        } else {
          provenance = provenance(c);
        }
        if (c.bb.hasRemaining()) {
          throw fail(
              "section "
                  + tagName(tag)
                  + " has "
                  + c.bb.remaining()
                  + " unexpected bytes after its content");
        }
      }
      try {
        return new WtlModel(nodes, tensors, constraints, state, provenance);
      } catch (IllegalArgumentException e) {
        throw new InputException(fileName + ": " + e.getMessage(), e);
      }
    }

    /** The file's format version, once the header is read. */
    private int version;

    private void header(ByteBuffer bb) {
      int n = file.length;
      if (n == 0) {
        throw fail("empty file, expected a Whittle model (.wtl)");
      }
      int m = Math.min(n, MAGIC.length);
      if (!Arrays.equals(file, 0, m, MAGIC, 0, m)) {
        throw fail("not a Whittle model file (bad magic)");
      }
      if (n < HEADER_BYTES) {
        throw fail("truncated: the header needs " + HEADER_BYTES + " bytes, " + n + " present");
      }
      bb.position(MAGIC.length);
      version = Short.toUnsignedInt(bb.getShort());
      int flags = Short.toUnsignedInt(bb.getShort());
      if (version == 0) {
        throw fail("format version 0 is not valid (expected 1 to " + VERSION + ")");
      }
      if (version > VERSION) {
        throw fail(
            "format version "
                + version
                + " is newer than this Whittle reads (up to "
                + VERSION
                + "); upgrade Whittle");
      }
      if ((flags & ~KNOWN_FLAGS) != 0) {
        throw fail(
            String.format(
                "unknown header flags 0x%04x (written by a newer Whittle?)",
                flags & ~KNOWN_FLAGS));
      }
    }

    private List<NodeRecord> nodes(Cursor c) {
      int n = c.count("node count", MIN_NODE);
      List<NodeRecord> nodes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = c.string("name of node " + i);
        String where = fileName + ": node " + quote(name);
        String kind = c.string("kind of node " + quote(name));
        int k = c.count("input count of node " + quote(name), MIN_STRING);
        List<String> inputs = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
          inputs.add(c.string("input " + j + " of node " + quote(name)));
        }
        Attrs attrs = attrs(c, where);
        try {
          nodes.add(new NodeRecord(name, kind, inputs, attrs));
        } catch (IllegalArgumentException e) {
          throw fail(e.getMessage());
        }
      }
      return nodes;
    }

    private List<ConstraintRecord> constraints(Cursor c) {
      int n = c.count("constraint count", MIN_CONSTRAINT);
      List<ConstraintRecord> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String parameter = c.string("parameter of constraint " + i);
        String kind = c.string("kind of constraint " + i);
        String what = "constraint " + quote(kind) + " on " + quote(parameter);
        Attrs attrs = attrs(c, fileName + ": " + what);
        List<TensorRecord> tensors = tensors(c, what + ": tensor");
        try {
          out.add(new ConstraintRecord(parameter, kind, attrs, tensors));
        } catch (IllegalArgumentException e) {
          throw fail(e.getMessage());
        }
      }
      return out;
    }

    private Map<String, String> provenance(Cursor c) {
      int n = c.count("provenance entry count", MIN_PROVENANCE);
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = c.string("provenance key " + i);
        String value = c.string("provenance value " + quote(key));
        if (key.isEmpty()) {
          throw fail("provenance key " + i + " is empty");
        }
        if (out.put(key, value) != null) {
          throw fail("provenance key " + quote(key) + " appears twice");
        }
      }
      return out;
    }

    private Attrs attrs(Cursor c, String where) {
      int n = c.count("attribute count of " + stripFile(where), MIN_ATTR);
      Attrs.Builder b = Attrs.builder();
      for (int i = 0; i < n; i++) {
        String key = c.string("attribute name");
        String what = where + ": attribute " + quote(key);
        if (key.isEmpty()) {
          throw new InputException(where + ": attribute " + i + " has an empty name");
        }
        if (b.has(key)) {
          throw new InputException(what + " appears twice");
        }
        int type = c.u8(stripFile(what) + " type");
        Object v;
        switch (type) {
          case ATTR_LONG -> v = c.u64(stripFile(what));
          case ATTR_DOUBLE -> v = Double.longBitsToDouble(c.u64(stripFile(what)));
          case ATTR_STRING -> v = c.string(stripFile(what));
          case ATTR_LONGS -> {
            int k = c.count(stripFile(what) + " list length", 8);
            long[] a = new long[k];
            for (int j = 0; j < k; j++) {
              a[j] = c.bb.getLong();
            }
            v = a;
          }
          case ATTR_DOUBLES -> {
            int k = c.count(stripFile(what) + " list length", 8);
            double[] a = new double[k];
            for (int j = 0; j < k; j++) {
              a[j] = Double.longBitsToDouble(c.bb.getLong());
            }
            v = a;
          }
          default ->
              throw new InputException(
                  what + " has unknown type tag " + type + " (written by a newer Whittle?)");
        }
        b.putOwned(key, v);
      }
      return b.build().at(where);
    }

    private String stripFile(String where) {
      String prefix = fileName + ": ";
      return where.startsWith(prefix) ? where.substring(prefix.length()) : where;
    }

    private List<TensorRecord> tensors(Cursor c, String what) {
      int n = c.count(what + " count", MIN_TENSOR);
      List<TensorRecord> out = new ArrayList<>(n);
      Set<String> names = new HashSet<>();
      for (int i = 0; i < n; i++) {
        TensorRecord t = tensor(c, what, i);
        if (!names.add(t.name())) {
          throw fail(what + " " + quote(t.name()) + " appears twice");
        }
        out.add(t);
      }
      return out;
    }

    private TensorRecord tensor(Cursor c, String what, int index) {
      String name = c.string("name of " + what + " " + index);
      String tw = what + " " + quote(name);
      if (name.isEmpty()) {
        throw fail(what + " " + index + " has an empty name");
      }
      Encoding enc = Encoding.fromTag(c.u16(tw + " encoding"), fileName + ": " + tw);
      int rank = c.u8(tw + " rank");
      if (rank > TensorRecord.MAX_RANK) {
        throw fail(tw + " has rank " + rank + ", more than " + TensorRecord.MAX_RANK);
      }
      int[] shape = new int[rank];
      BigInteger elements = BigInteger.ONE;
      for (int d = 0; d < rank; d++) {
        long dim = c.u32(tw + " dimension " + d);
        if (dim > Integer.MAX_VALUE) {
          throw fail(tw + " dimension " + d + " is " + dim + ", more than 2^31-1");
        }
        shape[d] = (int) dim;
        elements = elements.multiply(BigInteger.valueOf(dim));
      }
      if (elements.compareTo(BigInteger.valueOf(maxElements)) > 0) {
        throw fail(
            tw
                + " claims "
                + count(elements)
                + " elements, more than the limit "
                + count(maxElements)
                + " (system property "
                + MAX_ELEMENTS_PROPERTY
                + ")");
      }
      long length = c.u64(tw + " payload length");
      if (Long.compareUnsigned(length, c.bb.remaining()) > 0) {
        throw fail(
            tw
                + " payload claims "
                + unsignedCount(length)
                + " bytes, "
                + c.bb.remaining()
                + " remain in "
                + c.section);
      }
      long expected = enc.expectedBytes(shape);
      if (expected >= 0 && expected != length) {
        throw fail(
            tw
                + " payload is "
                + length
                + " bytes, but "
                + enc
                + " shape "
                + Arrays.toString(shape)
                + " needs "
                + expected);
      }
      // Decoded, every tensor becomes floats; sparse and codebook ones need not pay for them.
      Limits.checkTensor(fileName + ": " + tw, elements.longValueExact(), Float.BYTES);
      byte[] payload = new byte[(int) length];
      c.bb.get(payload);
      try {
        return new TensorRecord(name, enc, shape, payload);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
    }

    /** Bounds-checked little-endian reads within one section payload. */
    private final class Cursor {
      final ByteBuffer bb;
      final String section;

      Cursor(ByteBuffer bb, String section) {
        this.bb = bb;
        this.section = section;
      }

      private void need(long n, String what) {
        if (n > bb.remaining()) {
          throw fail(
              section
                  + ": "
                  + what
                  + " needs "
                  + n
                  + " bytes, "
                  + bb.remaining()
                  + " remain in the section");
        }
      }

      int u8(String what) {
        need(1, what);
        return Byte.toUnsignedInt(bb.get());
      }

      int u16(String what) {
        need(2, what);
        return Short.toUnsignedInt(bb.getShort());
      }

      long u32(String what) {
        need(4, what);
        return Integer.toUnsignedLong(bb.getInt());
      }

      long u64(String what) {
        need(8, what);
        return bb.getLong();
      }

      /** A u32 list count, checked so that {@code count * minBytes} bytes remain. */
      int count(String what, int minBytes) {
        long n = u32(what);
        if (n * minBytes > bb.remaining()) {
          throw fail(
              section
                  + ": "
                  + what
                  + " "
                  + n
                  + " needs at least "
                  + n * minBytes
                  + " bytes, "
                  + bb.remaining()
                  + " remain in the section");
        }
        return (int) n;
      }

      String string(String what) {
        long n = u32(what + " length");
        if (n > bb.remaining()) {
          throw fail(
              section
                  + ": "
                  + what
                  + " claims a string of "
                  + n
                  + " bytes, "
                  + bb.remaining()
                  + " remain in the section");
        }
        ByteBuffer s = bb.slice(bb.position(), (int) n);
        bb.position(bb.position() + (int) n);
        try {
          return utf8.reset().decode(s).toString();
        } catch (CharacterCodingException e) {
          throw fail(section + ": " + what + " is not valid UTF-8");
        }
      }
    }
  }
}
