package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {
  @Test
  void tensorEqualityIsByContent() {
    TensorRecord a = TensorRecord.f32("w", new int[] {2}, new float[] {1, 2});
    TensorRecord b = TensorRecord.f32("w", new int[] {2}, new float[] {1, 2});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, TensorRecord.f32("w", new int[] {2}, new float[] {1, 3}));
    assertNotEquals(a, TensorRecord.f32("w", new int[] {1, 2}, new float[] {1, 2}));
    assertNotEquals(a, new TensorRecord("w", Encoding.I32, new int[] {2}, a.payload()));
    assertTrue(a.toString().contains("8 bytes"));
  }

  @Test
  void tensorCopiesDefensively() {
    int[] shape = {2};
    byte[] payload = new byte[8];
    TensorRecord t = new TensorRecord("w", Encoding.F32, shape, payload);
    shape[0] = 5;
    payload[0] = 1;
    t.shape()[0] = 7;
    t.payload()[0] = 1;
    assertArrayEquals(new int[] {2}, t.shape());
    assertArrayEquals(new byte[8], t.payload());
    assertThrows(java.nio.ReadOnlyBufferException.class, () -> t.payloadView().put(0, (byte) 1));
  }

  @Test
  void tensorValidation() {
    assertThrows(IllegalArgumentException.class, () -> new TensorRecord("w", Encoding.F32, new int[] {3}, new byte[8]));
    assertThrows(IllegalArgumentException.class, () -> new TensorRecord("", Encoding.U8, new int[] {1}, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> new TensorRecord("w", Encoding.U8, new int[] {-1}, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new TensorRecord("w", Encoding.U8, new int[9], new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> TensorRecord.f32("w", new int[] {3}, new float[2]));
    int big = Integer.MAX_VALUE;
    assertThrows(IllegalArgumentException.class, () -> new TensorRecord("w", Encoding.U8, new int[] {big, big, big}, new byte[0]));
    TensorRecord scalar = TensorRecord.f32("s", new int[0], new float[] {3});
    assertEquals(1, scalar.elements());
    assertEquals(0, scalar.rank());
    InputException e = assertThrows(InputException.class, scalar::toInts);
    assertEquals("tensor 's' is encoded F32, expected I32", e.getMessage());
  }

  @Test
  void encodingTagsAndSizes() {
    assertEquals(0, Encoding.F32.tag());
    assertEquals(1, Encoding.I32.tag());
    assertEquals(2, Encoding.U8.tag());
    for (Encoding e : Encoding.values()) {
      assertEquals(e, Encoding.fromTag(e.tag(), "x"));
    }
    assertEquals(
        "m.wtl: unknown tensor encoding tag 9 (written by a newer Whittle?)",
        assertThrows(InputException.class, () -> Encoding.fromTag(9, "m.wtl")).getMessage());
    assertEquals(24, Encoding.F32.expectedBytes(new int[] {2, 3}));
    assertEquals(6, Encoding.U8.expectedBytes(new int[] {2, 3}));
    assertEquals(4, Encoding.I32.expectedBytes(new int[0]));
    assertEquals(0, Encoding.F32.expectedBytes(new int[] {0, Integer.MAX_VALUE}));
    int big = Integer.MAX_VALUE;
    assertEquals(Long.MAX_VALUE, Encoding.F32.expectedBytes(new int[] {big, big, big}));
    assertEquals(0, Encoding.F32.expectedBytes(new int[] {big, big, big, 0}));
  }

  @Test
  void modelValidationAndCopies() {
    TensorRecord w = TensorRecord.f32("w", new int[] {1}, new float[] {1});
    assertThrows(IllegalArgumentException.class, () -> new WtlModel(List.of(), List.of(w, w), List.of(), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new WtlModel(List.of(), List.of(), List.of(), List.of(w, w), Map.of()));
    // The same name in tensors and state is fine: separate namespaces.
    new WtlModel(List.of(), List.of(w), List.of(), List.of(w), Map.of());
    assertThrows(IllegalArgumentException.class, () -> new ConstraintRecord("w", "mask", Attrs.empty(), List.of(w, w)));
    assertThrows(IllegalArgumentException.class, () -> new WtlModel(List.of(), List.of(), List.of(), Map.of("", "v")));

    List<TensorRecord> list = new ArrayList<>(List.of(w));
    Map<String, String> prov = new LinkedHashMap<>();
    prov.put("b", "1");
    prov.put("a", "2");
    WtlModel m = new WtlModel(List.of(), list, List.of(), prov);
    list.clear();
    prov.put("c", "3");
    assertEquals(1, m.tensors().size());
    assertEquals(List.of("b", "a"), List.copyOf(m.provenance().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> m.provenance().put("x", "y"));
    assertEquals(w, m.findTensor("w").orElseThrow());
    assertTrue(m.findTensor("v").isEmpty());
  }
}
