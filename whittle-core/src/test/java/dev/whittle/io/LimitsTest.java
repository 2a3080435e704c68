package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sizes a file claims but does not pay for are held to whittle.maxTensorBytes. */
class LimitsTest {
  @Test
  void aSparseTensorOfTrailingZerosIsHeldToTheCeiling() {
    byte[] noEntries = new byte[4]; // 0 entries: every element is a trailing zero
    InputException e = assertThrows(InputException.class,
        () -> SparseCodec.decode(noEntries, 1L << 31, "m.wtl: tensor 'w'"));
    assertTrue(e.getMessage().startsWith("m.wtl: tensor 'w': 2147483648 elements of 4 bytes is"
        + " more than the limit of 536870912 bytes"), e.getMessage());
    assertEquals(1000, SparseCodec.decode(noEntries, 1000, "w").length);
  }

  @Test
  void theCeilingIsASystemProperty() {
    String old = System.getProperty(Limits.MAX_TENSOR_BYTES_PROPERTY);
    try {
      System.setProperty(Limits.MAX_TENSOR_BYTES_PROPERTY, "4000");
      assertEquals(1000, SparseCodec.decode(new byte[4], 1000, "w").length);
      assertThrows(InputException.class, () -> SparseCodec.decode(new byte[4], 1001, "w"));
      System.setProperty(Limits.MAX_TENSOR_BYTES_PROPERTY, "lots");
      InputException e = assertThrows(InputException.class, Limits::maxTensorBytes);
      assertEquals("system property whittle.maxTensorBytes must be a positive whole number of"
          + " bytes, got 'lots'", e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(Limits.MAX_TENSOR_BYTES_PROPERTY);
      } else {
        System.setProperty(Limits.MAX_TENSOR_BYTES_PROPERTY, old);
      }
    }
  }

  /** A dense layer of 2^20 x 2^20 in a 200-byte file: refused before its 4 TiB are allocated. */
  @Test
  void aLayerIsMeasuredFromItsSettingsBeforeItAllocates() {
    WtlModel m = new WtlModel(List.of(input(4),
        new NodeRecord("fc", "dense", List.of("input"),
            Attrs.builder().put("in", 1L << 20).put("out", 1L << 20).put("bias", 1L).build())),
        List.of(), List.of(), List.of(), Map.of());
    byte[] file = WtlWriter.toBytes(m);
    InputException e = assertThrows(InputException.class,
        () -> ModelFile.fromRecord(WtlReader.fromBytes(file, "big.wtl"), "big.wtl"));
    assertTrue(e.getMessage().startsWith("big.wtl: node 'fc': its parameters: 1099512676352"
        + " elements of 4 bytes is more than the limit"), e.getMessage());
  }

  /** Many layers each under the ceiling (1.1 MB here): their sum is held to four times it. */
  @Test
  void aModelIsHeldToFourCeilings() {
    List<NodeRecord> nodes = new ArrayList<>(List.of(input(500)));
    String prev = "input";
    for (int i = 0; i < 40; i++) {
      nodes.add(new NodeRecord("fc" + i, "dense", List.of(prev),
          Attrs.builder().put("in", 500L).put("out", 500L).put("bias", 0L).build()));
      prev = "fc" + i;
    }
    WtlModel m = new WtlModel(nodes, List.of(), List.of(), List.of(), Map.of());
    String old = System.getProperty(Limits.MAX_TENSOR_BYTES_PROPERTY);
    try {
      System.setProperty(Limits.MAX_TENSOR_BYTES_PROPERTY, "1100000");
      InputException e = assertThrows(InputException.class,
          () -> ModelFile.fromRecord(m, "deep.wtl"));
      assertEquals("deep.wtl: node 'fc4': the model's layers declare 1252500 parameters, more"
          + " than 4 times the limit of 1100000 bytes per tensor (system property"
          + " whittle.maxTensorBytes)", e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(Limits.MAX_TENSOR_BYTES_PROPERTY);
      } else {
        System.setProperty(Limits.MAX_TENSOR_BYTES_PROPERTY, old);
      }
    }
  }

  @Test
  void aGraphIsHeldToItsNodeLimit() {
    List<NodeRecord> nodes = new ArrayList<>(List.of(input(1)));
    for (int i = 0; i <= Limits.MAX_GRAPH_NODES; i++) {
      nodes.add(new NodeRecord("r" + i, "relu", List.of(i == 0 ? "input" : "r" + (i - 1)),
          Attrs.empty()));
    }
    WtlModel m = new WtlModel(nodes, List.of(), List.of(), List.of(), Map.of());
    InputException e = assertThrows(InputException.class, () -> ModelFile.fromRecord(m, "g.wtl"));
    assertEquals("g.wtl: the graph has 65537 nodes, more than the limit of 65536", e.getMessage());
  }

  private static NodeRecord input(int features) {
    return new NodeRecord("input", "input", List.of(),
        Attrs.builder().put("shape", new int[] {features}).build());
  }
}
