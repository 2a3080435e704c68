package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.Pruner;
import dev.whittle.compress.share.KMeans;
import dev.whittle.compress.share.ShareSpec;
import dev.whittle.compress.share.Sharing;
import dev.whittle.eval.ModelStats;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Shared models in .wtl files: every bit back, and damaged codebook payloads fail cleanly. */
class CodebookFileTest {
  private static final String FILE = "s.wtl";

  static Model shared() {
    Model m = Architectures.build("mlp:8-12-6-4", new int[] {8}, 4, 2);
    Pruner.prune(m, Importance.magnitude(), PruneSpec.parse("0.5,fc3=0", false), "magnitude");
    Sharing.shareInPlace(m, ShareSpec.parse("3,fc3=2", KMeans.Init.DENSITY, 1));
    return m;
  }

  @Test
  void writtenAndReadGivesEveryBitBack() {
    Model m = shared();
    byte[] bytes = WtlWriter.toBytes(ModelFile.toRecord(m, java.util.Map.of()));
    Model back = ModelFile.fromRecord(WtlReader.fromBytes(bytes, FILE), FILE).model();
    var before = m.graph().parameters();
    back.graph().parameters().forEach((name, p) -> {
      float[] a = before.get(name).value().data();
      float[] b = p.value().data();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), name + i);
      }
      assertEquals(before.get(name).constraints().size(), p.constraints().size(), name);
    });
    Parameter fc1 = back.graph().parameters().get("fc1.weight");
    assertEquals(Encoding.CODEBOOK, ModelFile.storedEncoding(fc1));
    assertArrayEquals(ModelFile.shared(before.get("fc1.weight")).clusters(),
        ModelFile.shared(fc1).clusters());
    var layer = ModelStats.layers(back).get(0);
    assertEquals(3, layer.bits());
    assertTrue(layer.encoding().startsWith("codebook3+"), layer.encoding());
  }

  /** Flips every bit of the tensors section, repairs its CRC and loads: a model or one line. */
  @Test
  void damagedCodebookPayloadsFailCleanly() {
    byte[] good = WtlWriter.toBytes(ModelFile.toRecord(shared(), java.util.Map.of()));
    ByteBuffer bb = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
    int pos = WtlFormat.HEADER_BYTES;
    int tried = 0;
    while (pos < good.length) {
      int length = (int) bb.getLong(pos + 4);
      int payload = pos + WtlFormat.SECTION_HEAD_BYTES;
      if (new String(good, payload, length, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("fc1.weight")) {
        for (int i = payload; i < payload + length; i++) {
          for (int bit = 0; bit < 8; bit++) {
            byte[] b = good.clone();
            b[i] ^= (byte) (1 << bit);
            CRC32C crc = new CRC32C();
            crc.update(b, pos, payload + length - pos);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(payload + length,
                (int) crc.getValue());
            tried++;
            try {
              ModelFile.fromRecord(WtlReader.fromBytes(b, FILE), FILE);
            } catch (InputException e) {
              assertTrue(e.getMessage().startsWith(FILE + ": ") && !e.getMessage().contains("\n"),
                  e.getMessage());
            } catch (RuntimeException e) {
              throw new AssertionError("offset " + i + " bit " + bit + ": " + e, e);
            }
          }
        }
      }
      pos = payload + length + WtlFormat.CRC_BYTES;
    }
    assertTrue(tried > 1000, "tried " + tried);
  }
}
