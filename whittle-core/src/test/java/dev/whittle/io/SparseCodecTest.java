package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whittle.InputException;
import org.junit.jupiter.api.Test;

class SparseCodecTest {
  @Test
  void handEncodedExampleWithAFiller() {
    float[] v = new float[300];
    v[2] = 1.5f; // gap 2
    v[3] = -2f; // gap 0
    v[3 + 1 + 256 + 10] = 7f; // 266 after v[3]: a filler entry bridges 256 of it
    byte[] b = SparseCodec.encode(v);
    assertEquals(4 + 5 * 4, b.length);
    assertEquals(4, b[0]); // four entries
    assertEquals(2, b[4]);
    assertEquals(0, b[5]);
    assertEquals((byte) 255, b[6]); // the filler
    assertEquals(10, b[7]);
    assertArrayEquals(v, SparseCodec.decode(b, v.length, "t"));
  }

  @Test
  void roundTripsEdgeCases() {
    for (float[] v : new float[][] {new float[0], new float[10], {1, 2, 3}, gapsOf(1000, 511)}) {
      assertArrayEquals(v, SparseCodec.decode(SparseCodec.encode(v), v.length, "t"));
      assertEquals(SparseCodec.bytes(v), SparseCodec.encode(v).length);
    }
  }

  private static float[] gapsOf(int n, int every) {
    float[] v = new float[n];
    for (int i = every; i < n; i += every) {
      v[i] = i;
    }
    return v;
  }

  @Test
  void rejectsHostilePayloads() {
    byte[] b = SparseCodec.encode(new float[] {0, 0, 5});
    assertThrows(InputException.class, () -> SparseCodec.decode(b, 2, "t")); // past the end
    byte[] lying = b.clone();
    lying[0] = 100; // claims 100 entries
    assertThrows(InputException.class, () -> SparseCodec.decode(lying, 3, "t"));
    assertThrows(InputException.class, () -> SparseCodec.decode(new byte[2], 3, "t"));
  }
}
