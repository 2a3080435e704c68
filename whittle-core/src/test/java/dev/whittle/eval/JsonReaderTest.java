package dev.whittle.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whittle.InputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  @Test
  void readsBackWhatJsonWrites() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "<b>\"q\"\\\n\u0001");
    m.put("accuracy", 0.9843);
    m.put("params", 266610L);
    m.put("ok", true);
    m.put("layers", List.of(Map.of("name", "fc1"), List.of()));
    Object back = JsonReader.parse(Json.write(m));
    Map<String, Object> expected = new LinkedHashMap<>(m);
    expected.put("params", 266610.0);
    assertEquals(expected, back);
    assertEquals(Arrays.asList(1.0, null, -2.5e-3), JsonReader.parse("[1, null, -2.5e-3]"));
  }

  @Test
  void errorsNameTheOffset() {
    assertEquals("JSON at offset 5: expected ':'",
        assertThrows(InputException.class, () -> JsonReader.parse("{\"a\" 1}")).getMessage());
    assertEquals("JSON at offset 4: unexpected text after the value",
        assertThrows(InputException.class, () -> JsonReader.parse("[1] x")).getMessage());
    assertEquals("JSON at offset 64: nested deeper than 64", assertThrows(InputException.class,
        () -> JsonReader.parse("[".repeat(100_000))).getMessage());
    assertEquals(List.of(List.of()), JsonReader.parse("[".repeat(2) + "]".repeat(2)));
    assertEquals("JSON at offset 4: unterminated string",
        assertThrows(InputException.class, () -> JsonReader.parse("\"abc")).getMessage());
  }
}
