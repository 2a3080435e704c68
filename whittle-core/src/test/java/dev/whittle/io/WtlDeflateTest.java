package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Format version 2's deflated metadata sections: written when they save space, read back to the
 * same model, and refused with a clear message when hostile.
 */
class WtlDeflateTest {
  /** A model whose provenance is long, repetitive text (as a training curve is). */
  static WtlModel withLongProvenance() {
    Map<String, String> prov = new LinkedHashMap<>();
    StringBuilder curve = new StringBuilder("[");
    for (int e = 0; e < 40; e++) {
      curve.append("{\"epoch\":").append(e).append(",\"lr\":0.05,\"train_loss\":0.0").append(e)
          .append("},");
    }
    prov.put("curve", curve.append("]").toString());
    prov.put("command", "whittle train --model lenet300 --data mnist");
    WtlModel s = Samples.small();
    return new WtlModel(s.nodes(), s.tensors(), s.constraints(), s.state(), prov);
  }

  @Test
  void longProvenanceIsStoredDeflatedAsVersion2AndReadsBackTheSame() {
    WtlModel m = withLongProvenance();
    byte[] b = WtlWriter.toBytes(m);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, bb.getShort(8));
    assertTrue(new String(b, StandardCharsets.ISO_8859_1).contains("DEFL"));
    assertEquals(m, WtlReader.fromBytes(b, "m.wtl"));
    int plain = m.provenance().get("curve").length();
    assertTrue(b.length < plain / 2, b.length + " bytes for " + plain + " characters of curve");
  }

  @Test
  void smallMetadataStaysPlainAsVersion1() {
    byte[] b = WtlWriter.toBytes(Samples.small());
    assertEquals(1, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8));
  }

  /** A version-2 file of one DEFL section holding {@code tag} with the given claimed size. */
  private static byte[] defl(int version, String tag, long size, byte[] stream) {
    LeBytes payload = new LeBytes().bytes(tag.getBytes(StandardCharsets.US_ASCII)).u64(size)
        .bytes(stream);
    return new LeBytes().header(version, 0).section("DEFL", payload).ends().toBytes();
  }

  private static String rejected(byte[] file) {
    return assertThrows(InputException.class, () -> WtlReader.fromBytes(file, "m.wtl"))
        .getMessage();
  }

  @Test
  void hostileDeflatedSectionsAreRefused() {
    byte[] prov = new LeBytes().u32(1).string("k").string("v").toBytes();
    byte[] z = Deflate.deflate(prov);
    // The honest one reads.
    assertEquals(Map.of("k", "v"),
        WtlReader.fromBytes(defl(2, "PROV", prov.length, z), "m.wtl").provenance());
    assertEquals("m.wtl: a deflated section in a version 1 file (needs version 2)",
        rejected(defl(1, "PROV", prov.length, z)));
    assertEquals("m.wtl: deflated section holds TENS; only GRPH, CONS, STAT and PROV are stored"
        + " deflated", rejected(defl(2, "TENS", prov.length, z)));
    assertEquals("m.wtl: deflated PROV: deflate stream ends after " + prov.length + " of "
        + (prov.length + 1) + " bytes", rejected(defl(2, "PROV", prov.length + 1, z)));
    assertEquals("m.wtl: deflated PROV: deflate stream holds more than " + (prov.length - 1)
        + " bytes", rejected(defl(2, "PROV", prov.length - 1, z)));
    // A size no stream of this length can give is refused before anything is allocated.
    assertEquals("m.wtl: deflated PROV: 1000000 bytes cannot come from a " + z.length
        + "-byte deflate stream", rejected(defl(2, "PROV", 1_000_000, z)));
    assertTrue(rejected(defl(2, "PROV", prov.length, new byte[] {(byte) 0xff, 1, 2}))
        .startsWith("m.wtl: deflated PROV: corrupt deflate stream"));
    assertEquals("m.wtl: deflated section of 4 bytes, shorter than its 12-byte head",
        rejected(new LeBytes().header(2, 0).section("DEFL", new byte[4]).ends().toBytes()));
  }

  @Test
  void aSectionGivenPlainAndDeflatedIsGivenTwice() {
    byte[] prov = new LeBytes().u32(0).toBytes();
    LeBytes payload = new LeBytes().bytes("PROV".getBytes(StandardCharsets.US_ASCII))
        .u64(prov.length).bytes(Deflate.deflate(prov));
    byte[] f = new LeBytes().header(2, 0).section("PROV", prov).section("DEFL", payload).ends()
        .toBytes();
    assertEquals("m.wtl: section PROV appears twice", rejected(f));
  }

  @Test
  void writtenFilesStillListTheirSectionsInOrder() {
    byte[] b = WtlWriter.toBytes(withLongProvenance());
    List<String> tags = new java.util.ArrayList<>();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int at = WtlFormat.HEADER_BYTES;
    while (at < b.length) {
      String tag = new String(b, at, 4, StandardCharsets.US_ASCII);
      long len = bb.getLong(at + 4);
      tags.add(tag.equals("DEFL") ? "DEFL:" + new String(b, at + 12, 4,
          StandardCharsets.US_ASCII) : tag);
      at += 12 + (int) len + 4;
    }
    assertEquals(List.of("GRPH", "TENS", "CONS", "STAT", "DEFL:PROV", "ENDS"), tags);
  }
}
