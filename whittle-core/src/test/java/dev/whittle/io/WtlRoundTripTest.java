package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WtlRoundTripTest {
  @TempDir Path dir;

  @Test
  void roundTripIsEqualAndByteIdentical() {
    WtlModel m = Samples.full();
    byte[] bytes = WtlWriter.toBytes(m);
    WtlModel back = WtlReader.fromBytes(bytes, "model.wtl");
    assertEquals(m, back);
    assertArrayEquals(bytes, WtlWriter.toBytes(back));

    // Spot checks on what equality covers.
    assertEquals(List.copyOf(m.provenance().keySet()), List.copyOf(back.provenance().keySet()));
    Attrs a = back.nodes().get(1).attrs();
    assertEquals(Samples.allTypes().keys(), a.keys());
    assertEquals(2, a.getInt("stride"));
    assertEquals(Long.MIN_VALUE, a.getLong("negative"));
    assertTrue(Double.isNaN(a.getDouble("nan")));
    assertEquals("größe ✓ 🙂", a.getString("unicode"));
    assertArrayEquals(new long[] {1, 1, -1, Long.MAX_VALUE}, a.getLongs("pads"));
    assertEquals(
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(a.getDoubles("scales")[1]));
    assertArrayEquals(
        new float[] {1, -2, 3.5f, Float.NaN, 0, -0f}, back.tensors().get(0).toFloats());
    assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE, 7}, back.tensors().get(3).toInts());
    assertArrayEquals(new byte[] {0, (byte) 0xff, 0x55}, back.tensors().get(4).payload());
    assertEquals(1, back.tensors().get(1).elements());
    assertEquals(0, back.tensors().get(2).elements());
    assertEquals(Encoding.U8, back.constraints().get(0).tensors().get(0).encoding());
    assertEquals(1, back.state().size());
  }

  @Test
  void writesAreDeterministic() {
    byte[] a = WtlWriter.toBytes(Samples.full());
    byte[] b = WtlWriter.toBytes(Samples.full());
    assertArrayEquals(a, b);
  }

  @Test
  void writeAndReadFile() throws Exception {
    Path f = dir.resolve("m.wtl");
    WtlWriter.write(Samples.full(), f);
    assertEquals(Samples.full(), WtlReader.read(f));
    assertArrayEquals(WtlWriter.toBytes(Samples.full()), Files.readAllBytes(f));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
  }

  @Test
  void largeFileRoundTrips() {
    float[] data = new float[1_500_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.5f;
    }
    WtlModel m =
        new WtlModel(
            List.of(),
            List.of(TensorRecord.f32("big", new int[] {1500, 1000}, data)),
            List.of(),
            Map.of());
    Path f = dir.resolve("big.wtl");
    WtlWriter.write(m, f);
    assertEquals(m, WtlReader.read(f));
  }

  @Test
  void emptyModelRoundTrips() {
    WtlModel m = new WtlModel(List.of(), List.of(), List.of(), Map.of());
    assertEquals(m, WtlReader.fromBytes(WtlWriter.toBytes(m), "e.wtl"));
  }

  @Test
  void headerAndSectionLayout() {
    byte[] b = WtlWriter.toBytes(Samples.small());
    assertEquals("WHITTLE\0", new String(b, 0, 8, StandardCharsets.US_ASCII));
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, bb.getShort(8));
    assertEquals(0, bb.getShort(10));
    assertEquals("GRPH", new String(b, 12, 4, StandardCharsets.US_ASCII));
    assertEquals(0x48505247, bb.getInt(12));
    // The file ends with the empty end marker and its CRC.
    assertEquals("ENDS", new String(b, b.length - 16, 4, StandardCharsets.US_ASCII));
    assertEquals(0, bb.getLong(b.length - 12));
  }

  @Test
  void unknownSectionIsSkipped() {
    WtlModel m = Samples.small();
    byte[] b = WtlWriter.toBytes(m);
    // Insert a section from the future just before the end marker.
    int endsAt = b.length - 16;
    byte[] extra =
        new LeBytes().section("XTRA", "future data".getBytes(StandardCharsets.UTF_8)).toBytes();
    byte[] withExtra =
        new LeBytes()
            .bytes(Arrays.copyOf(b, endsAt))
            .bytes(extra)
            .bytes(Arrays.copyOfRange(b, endsAt, b.length))
            .toBytes();
    assertEquals(m, WtlReader.fromBytes(withExtra, "model.wtl"));
    // A non-ASCII tag is skipped too.
    byte[] odd = new LeBytes().header().bytes(WtlWriter.section(0x01020304, new byte[3])).ends().toBytes();
    assertEquals(
        new WtlModel(List.of(), List.of(), List.of(), Map.of()),
        WtlReader.fromBytes(odd, "model.wtl"));
  }

  @Test
  void sectionsMayComeInAnyOrderAndBeMissing() {
    byte[] b =
        new LeBytes()
            .header()
            .section("PROV", new LeBytes().u32(1).string("a").string("b"))
            .section("TENS", new LeBytes().u32(1).string("t").u16(0).u8(1).u32(1).u64(4).u32(Float.floatToIntBits(2f)))
            .ends()
            .toBytes();
    WtlModel m = WtlReader.fromBytes(b, "model.wtl");
    assertEquals(Map.of("a", "b"), m.provenance());
    assertArrayEquals(new float[] {2f}, m.tensors().get(0).toFloats());
    assertTrue(m.nodes().isEmpty());
  }

  @Test
  void futureVersionIsRejected() {
    byte[] b = new LeBytes().header(7, 0).ends().toBytes();
    InputException e =
        assertThrows(InputException.class, () -> WtlReader.fromBytes(b, "model.wtl"));
    assertEquals(
        "model.wtl: format version 7 is newer than this Whittle reads (up to 2); upgrade Whittle",
        e.getMessage());
  }

  @Test
  void readerAttrsNameFileAndNode() {
    WtlModel m = WtlReader.fromBytes(WtlWriter.toBytes(Samples.full()), "model.wtl");
    InputException e =
        assertThrows(InputException.class, () -> m.nodes().get(1).attrs().getLong("missing"));
    assertEquals("model.wtl: node 'conv1': attribute 'missing' missing", e.getMessage());
    InputException c =
        assertThrows(InputException.class, () -> m.constraints().get(0).attrs().getString("sparsity"));
    assertEquals(
        "model.wtl: constraint 'mask' on 'conv1.weight': attribute 'sparsity' is a number,"
            + " expected a string",
        c.getMessage());
  }

  @Test
  void readMissingFileAndFolder() {
    InputException e =
        assertThrows(InputException.class, () -> WtlReader.read(dir.resolve("nope.wtl")));
    assertEquals(dir.resolve("nope.wtl") + ": file not found", e.getMessage());
    InputException f = assertThrows(InputException.class, () -> WtlReader.read(dir));
    assertTrue(f.getMessage().startsWith(dir + ": is a folder"), f.getMessage());
  }

  @Test
  void unpairedSurrogateIsNotWritten() {
    WtlModel m =
        new WtlModel(List.of(), List.of(), List.of(), Map.of("bad", "x\uD800y"));
    assertThrows(IllegalArgumentException.class, () -> WtlWriter.toBytes(m));
  }

  @Test
  void writeToMissingFolderWritesNothing() {
    Path out = Path.of("no-such-folder-" + Long.toHexString(System.nanoTime()), "x.wtl");
    InputException e =
        assertThrows(InputException.class, () -> WtlWriter.write(Samples.small(), out));
    assertEquals(out + ": folder '" + out.getParent() + "' does not exist", e.getMessage());
    assertFalse(Files.exists(out.getParent()));
  }
}
