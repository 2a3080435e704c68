package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttrsTest {
  @Test
  void typedGetters() {
    Attrs a = Samples.allTypes();
    assertEquals(2L, a.getLong("stride"));
    assertEquals(2, a.getInt("stride"));
    assertEquals(2.0, a.getDouble("stride")); // integers widen to numbers
    assertEquals(0.125, a.getDouble("alpha"));
    assertEquals("relu", a.getString("activation"));
    assertArrayEquals(new long[] {1, 1, -1, Long.MAX_VALUE}, a.getLongs("pads"));
    assertArrayEquals(new double[] {1, 1, -1, Long.MAX_VALUE}, a.getDoubles("pads"));
    assertArrayEquals(new double[] {0.5, -0.0, Double.POSITIVE_INFINITY}, a.getDoubles("scales"));
    assertTrue(a.has("nan"));
    assertFalse(a.has("missing"));
    assertEquals(11, a.size());
    assertEquals("stride", a.keys().get(0));
    assertNull(a.get("missing"));
  }

  @Test
  void defaults() {
    Attrs a = Samples.allTypes();
    assertEquals(7L, a.getLong("missing", 7));
    assertEquals(7, a.getInt("missing", 7));
    assertEquals(2, a.getInt("stride", 7));
    assertEquals(1.5, a.getDouble("missing", 1.5));
    assertEquals("d", a.getString("missing", "d"));
    long[] dl = {3};
    assertSame(dl, a.getLongs("missing", dl));
    assertArrayEquals(new int[] {9}, a.getInts("missing", new int[] {9}));
    assertArrayEquals(new double[] {2}, a.getDoubles("missing", new double[] {2}));
    // A default never hides a wrong type.
    assertThrows(InputException.class, () -> a.getLong("activation", 1));
  }

  @Test
  void errorsNameTheKeyAndWhere() {
    Attrs a = Attrs.builder().put("stride", "two").put("big", 1L << 40).put("list", new long[] {1L << 33}).build();
    assertEquals("attribute 'pad' missing", assertThrows(InputException.class, () -> a.getLong("pad")).getMessage());
    assertEquals(
        "attribute 'stride' is a string, expected an integer",
        assertThrows(InputException.class, () -> a.getLong("stride")).getMessage());
    assertEquals(
        "attribute 'big' is 1099511627776, too large for an int",
        assertThrows(InputException.class, () -> a.getInt("big")).getMessage());
    assertEquals(
        "attribute 'list' element 0 is 8589934592, too large for an int",
        assertThrows(InputException.class, () -> a.getInts("list")).getMessage());
    Attrs at = a.at("m.wtl: node 'conv1'");
    assertEquals(
        "m.wtl: node 'conv1': attribute 'stride' is a string, expected a list of numbers",
        assertThrows(InputException.class, () -> at.getDoubles("stride")).getMessage());
    NodeRecord n = new NodeRecord("conv1", "conv2d", List.of(), a);
    assertEquals(
        "node 'conv1': attribute 'pad' missing",
        assertThrows(InputException.class, () -> n.attrs().getString("pad")).getMessage());
  }

  @Test
  void equalityByContentAndOrderNotWhere() {
    Attrs a = Samples.allTypes();
    Attrs b = Samples.allTypes().at("elsewhere");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    Attrs x = Attrs.builder().put("a", 1L).put("b", 2L).build();
    Attrs y = Attrs.builder().put("b", 2L).put("a", 1L).build();
    assertNotEquals(x, y);
    assertNotEquals(
        Attrs.builder().put("a", 1L).build(), Attrs.builder().put("a", 1.0).build());
    assertEquals(Attrs.empty(), Attrs.builder().build());
  }

  @Test
  void immutableAndDefensive() {
    long[] pads = {1, 2};
    Attrs a = Attrs.builder().put("pads", pads).build();
    pads[0] = 99;
    assertEquals(1, a.getLongs("pads")[0]);
    a.getLongs("pads")[0] = 99;
    ((long[]) a.get("pads"))[0] = 99;
    assertEquals(1, a.getLongs("pads")[0]);
    assertThrows(UnsupportedOperationException.class, () -> a.keys().add("x"));
  }

  @Test
  void builderRules() {
    assertThrows(IllegalArgumentException.class, () -> Attrs.builder().put("a", 1L).put("a", 2L));
    assertThrows(IllegalArgumentException.class, () -> Attrs.builder().put("", 1L));
    assertThrows(NullPointerException.class, () -> Attrs.builder().put("a", (String) null));
    Attrs a = Samples.allTypes().toBuilder().remove("stride").put("stride", 3L).build();
    assertEquals(3, a.getInt("stride"));
    assertEquals("stride", a.keys().get(a.size() - 1));
  }
}
