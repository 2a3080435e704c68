package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.whittle.InputException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class WtlCorruptionTest {
  private static final String FILE = "model.wtl";

  private static InputException rejects(byte[] b) {
    return assertThrows(InputException.class, () -> WtlReader.fromBytes(b, FILE));
  }

  private static void assertRejected(byte[] b, String expectedMessage) {
    assertEquals(FILE + ": " + expectedMessage, rejects(b).getMessage());
  }

  /** Asserts {@code run} throws an InputException with a one-line message naming the file. */
  private static void onlyInputException(Executable run, String what) {
    try {
      run.execute();
      fail(what + ": accepted");
    } catch (InputException e) {
      String m = e.getMessage();
      if (!m.startsWith(FILE + ": ") || m.contains("\n")) {
        fail(what + ": bad message: " + m);
      }
    } catch (Throwable t) {
      throw new AssertionError(what + ": threw " + t, t);
    }
  }

  @Test
  void everyBitFlipIsRejected() {
    byte[] good = WtlWriter.toBytes(Samples.small());
    assertTrue(good.length > 300, "sample should exercise every structure: " + good.length);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] b = good.clone();
        b[i] ^= (byte) (1 << bit);
        int offset = i;
        onlyInputException(() -> WtlReader.fromBytes(b, FILE), "flip at " + offset + " bit " + bit);
      }
    }
  }

  /**
   * Flips every bit of every section payload and repairs the CRC, so that the parser itself sees
   * the damage: each result is either read (a different but valid model) or an InputException.
   */
  @Test
  void payloadDamageBehindAValidCrcFailsCleanly() {
    byte[] good = WtlWriter.toBytes(Samples.full());
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int pos = WtlFormat.HEADER_BYTES;
    int accepted = 0;
    while (pos < good.length) {
      int start = pos;
      int length = (int) bb.getLong(pos + 4);
      int payload = pos + WtlFormat.SECTION_HEAD_BYTES;
      for (int i = payload; i < payload + length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] b = good.clone();
          b[i] ^= (byte) (1 << bit);
          java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
          crc.update(b, start, payload + length - start);
          java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(payload + length, (int) crc.getValue());
          try {
            WtlReader.fromBytes(b, FILE);
            accepted++;
          } catch (InputException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": ") && !e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.getMessage().contains("malformed content"), e.getMessage());
          } catch (RuntimeException e) {
            throw new AssertionError("offset " + i + " bit " + bit + ": " + e, e);
          }
        }
      }
      pos = payload + length + WtlFormat.CRC_BYTES;
    }
    assertTrue(accepted > 0, "value bytes (floats, attribute values) can change freely");
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] good = WtlWriter.toBytes(Samples.small());
    for (int n = 0; n < good.length; n++) {
      byte[] b = Arrays.copyOf(good, n);
      onlyInputException(() -> WtlReader.fromBytes(b, FILE), "truncated to " + n);
    }
  }

  @Test
  void headerErrors() {
    assertRejected(new byte[0], "empty file, expected a Whittle model (.wtl)");
    assertRejected("PK\3\4 not a model".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "not a Whittle model file (bad magic)");
    assertRejected(new LeBytes().bytes("WHIT".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toBytes(), "truncated: the header needs 12 bytes, 4 present");
    assertRejected(new LeBytes().header(0, 0).ends().toBytes(), "format version 0 is not valid (expected 1 to 2)");
    assertRejected(new LeBytes().header(1, 4).ends().toBytes(), "unknown header flags 0x0004 (written by a newer Whittle?)");
    assertRejected(new LeBytes().header().toBytes(), "truncated: no end marker");
  }

  @Test
  void sectionFramingErrors() {
    byte[] claims = new LeBytes().header().u32(WtlFormat.GRPH).u64(1200).bytes(new byte[80]).toBytes();
    assertRejected(claims, "truncated: section GRPH claims 1200 bytes, 80 remain");
    byte[] noCrc = new LeBytes().header().u32(WtlFormat.GRPH).u64(4).bytes(new byte[6]).toBytes();
    assertRejected(noCrc, "truncated: section GRPH is missing its checksum (needs 4 bytes, 2 remain)");
    byte[] hugeLength = new LeBytes().header().u32(WtlFormat.TENS).u64(-1L).toBytes();
    assertRejected(hugeLength, "truncated: section TENS claims 18446744073709551615 bytes, 0 remain");
    assertRejected(new LeBytes().header().u32(WtlFormat.TENS).toBytes(), "truncated: a section header needs 12 bytes, 4 remain");

    byte[] good = new LeBytes().header().section("TENS", new LeBytes().u32(0)).ends().toBytes();
    good[12 + 12] ^= 1; // the count inside the payload
    assertRejected(good, "section TENS is corrupted (CRC-32C mismatch)");

    byte[] trailing = new LeBytes().header().ends().u8(0).toBytes();
    assertRejected(trailing, "trailing garbage: 1 bytes after the end marker (expected end of file)");
    byte[] endsPayload = new LeBytes().header().section("ENDS", new byte[2]).toBytes();
    assertRejected(endsPayload, "end marker has a 2-byte payload, expected none");
    byte[] twice = new LeBytes().header().section("PROV", new LeBytes().u32(0)).section("PROV", new LeBytes().u32(0)).ends().toBytes();
    assertRejected(twice, "section PROV appears twice");
    byte[] extra = new LeBytes().header().section("PROV", new LeBytes().u32(0).u8(9)).ends().toBytes();
    assertRejected(extra, "section PROV has 1 unexpected bytes after its content");
  }

  @Test
  void tensorClaimingTwoToTheFortyElementsIsRejectedWithoutAllocating() {
    byte[] b =
        new LeBytes()
            .header()
            .section(
                "TENS",
                new LeBytes().u32(1).string("fc1.weight").u16(0).u8(2).u32(1 << 20).u32(1 << 20).u64(1L << 42))
            .ends()
            .toBytes();
    var bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    var sun = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(sun.isThreadAllocatedMemorySupported() && sun.isThreadAllocatedMemoryEnabled());
    rejects(b); // warm up
    long tid = Thread.currentThread().threadId();
    long before = sun.getThreadAllocatedBytes(tid);
    InputException e = rejects(b);
    long allocated = sun.getThreadAllocatedBytes(tid) - before;
    assertEquals(
        FILE + ": tensor 'fc1.weight' claims 2^40 elements, more than the limit 2^30"
            + " (system property whittle.maxTensorElements)",
        e.getMessage());
    assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void elementLimitIsConfigurableAndPayloadLengthStillChecked() {
    byte[] b =
        new LeBytes()
            .header()
            .section(
                "TENS",
                new LeBytes().u32(1).string("fc1.weight").u16(0).u8(2).u32(1 << 20).u32(1 << 20).u64(1L << 42))
            .ends()
            .toBytes();
    String old = System.getProperty(WtlFormat.MAX_ELEMENTS_PROPERTY);
    try {
      System.setProperty(WtlFormat.MAX_ELEMENTS_PROPERTY, Long.toString(1L << 62));
      assertRejected(b, "tensor 'fc1.weight' payload claims 2^42 bytes, 0 remain in section TENS");
      System.setProperty(WtlFormat.MAX_ELEMENTS_PROPERTY, "100");
      byte[] small =
          new LeBytes().header().section("TENS", new LeBytes().u32(1).string("t").u16(2).u8(1).u32(101).u64(101).bytes(new byte[101])).ends().toBytes();
      assertRejected(small, "tensor 't' claims 101 elements, more than the limit 100 (system property whittle.maxTensorElements)");
      System.setProperty(WtlFormat.MAX_ELEMENTS_PROPERTY, "lots");
      assertThrows(InputException.class, () -> WtlReader.fromBytes(small, FILE));
    } finally {
      if (old == null) {
        System.clearProperty(WtlFormat.MAX_ELEMENTS_PROPERTY);
      } else {
        System.setProperty(WtlFormat.MAX_ELEMENTS_PROPERTY, old);
      }
    }
  }

  @Test
  void hugeStringLengthIsRejected() {
    byte[] b = new LeBytes().header().section("PROV", new LeBytes().u32(1).u32(Integer.MAX_VALUE).bytes(new byte[20])).ends().toBytes();
    assertRejected(b, "section PROV: provenance key 0 claims a string of 2147483647 bytes, 20 remain in the section");
    byte[] u32max = new LeBytes().header().section("PROV", new LeBytes().u32(1).u32(0xffffffffL).bytes(new byte[20])).ends().toBytes();
    assertRejected(u32max, "section PROV: provenance key 0 claims a string of 4294967295 bytes, 20 remain in the section");
  }

  @Test
  void hugeCountsAreRejectedBeforeAllocating() {
    byte[] nodes = new LeBytes().header().section("GRPH", new LeBytes().u32(0xffffffffL)).ends().toBytes();
    assertRejected(nodes, "section GRPH: node count 4294967295 needs at least 68719476720 bytes, 0 remain in the section");
    byte[] longs =
        new LeBytes().header().section("GRPH", new LeBytes().u32(1).string("n").string("k").u32(0).u32(1).string("a").u8(4).u32(Integer.MAX_VALUE)).ends().toBytes();
    assertRejected(longs, "section GRPH: node 'n': attribute 'a' list length 2147483647 needs at least 17179869176 bytes, 0 remain in the section");
  }

  @Test
  void contentErrors() {
    byte[] dup =
        new LeBytes().header().section("TENS", new LeBytes()
            .u32(2)
            .string("w").u16(2).u8(0).u64(1).u8(7)
            .string("w").u16(2).u8(0).u64(1).u8(7)).ends().toBytes();
    assertRejected(dup, "tensor 'w' appears twice");

    byte[] enc = new LeBytes().header().section("TENS", new LeBytes().u32(1).string("fc1.w").u16(9).u8(0).u64(0)).ends().toBytes();
    assertRejected(enc, "tensor 'fc1.w': unknown tensor encoding tag 9 (written by a newer Whittle?)");

    byte[] rank = new LeBytes().header().section("TENS", new LeBytes().u32(1).string("t").u16(0).u8(9).bytes(new byte[44])).ends().toBytes();
    assertRejected(rank, "tensor 't' has rank 9, more than 8");

    byte[] size = new LeBytes().header().section("TENS", new LeBytes().u32(1).string("t").u16(0).u8(1).u32(3).u64(8).bytes(new byte[8])).ends().toBytes();
    assertRejected(size, "tensor 't' payload is 8 bytes, but F32 shape [3] needs 12");

    byte[] dim = new LeBytes().header().section("TENS", new LeBytes().u32(1).string("t").u16(2).u8(1).u32(0x80000000L).u64(0)).ends().toBytes();
    assertRejected(dim, "tensor 't' dimension 0 is 2147483648, more than 2^31-1");

    byte[] utf8 = new LeBytes().header().section("PROV", new LeBytes().u32(1).u32(2).u8(0xc3).u8(0x28).string("v")).ends().toBytes();
    assertRejected(utf8, "section PROV: provenance key 0 is not valid UTF-8");

    byte[] attrType =
        new LeBytes().header().section("GRPH", new LeBytes().u32(1).string("n").string("k").u32(0).u32(1).string("a").u8(77).u64(0)).ends().toBytes();
    assertRejected(attrType, "node 'n': attribute 'a' has unknown type tag 77 (written by a newer Whittle?)");

    byte[] attrDup =
        new LeBytes().header().section("GRPH", new LeBytes().u32(1).string("n").string("k").u32(0).u32(2)
            .string("a").u8(1).u64(0).string("a").u8(1).u64(0)).ends().toBytes();
    assertRejected(attrDup, "node 'n': attribute 'a' appears twice");

    byte[] emptyKind = new LeBytes().header().section("GRPH", new LeBytes().u32(1).string("n").string("").u32(0).u32(0)).ends().toBytes();
    assertRejected(emptyKind, "node 'n' has an empty kind");

    byte[] provDup = new LeBytes().header().section("PROV", new LeBytes().u32(2).string("k").string("1").string("k").string("2")).ends().toBytes();
    assertRejected(provDup, "provenance key 'k' appears twice");

    byte[] newline = new LeBytes().header().section("TENS", new LeBytes().u32(1).string("a\nb").u16(99).u8(0).u64(0)).ends().toBytes();
    InputException e = rejects(newline);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(FILE + ": tensor 'a\\nb': unknown tensor encoding tag 99 (written by a newer Whittle?)", e.getMessage());
  }
}
