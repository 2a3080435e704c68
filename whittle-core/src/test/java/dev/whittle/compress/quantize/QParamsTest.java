package dev.whittle.compress.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QParamsTest {
  @Test
  void asymmetricUnsignedRangeMinusOneToTwo() {
    QParams q = QParams.fromRange(-1f, 2f, 8, false, false);
    assertEquals(0, q.qmin());
    assertEquals(255, q.qmax());
    assertEquals(3f / 255f, q.scale(0));
    // zp = 0 - rint(-1 / (3/255)) = rint(85.0) = 85
    assertEquals(85, q.zeroPoint(0));
    assertEquals(85, q.quantize(0f, 0));
    assertEquals(0f, q.dequantize(q.quantize(0f, 0), 0));
    assertEquals(0, q.quantize(-1f, 0));
    assertEquals(255, q.quantize(2f, 0));
  }

  @Test
  void asymmetricSignedUsesTheNarrowRange() {
    QParams q = QParams.fromRange(-1f, 2f, 8, false, true);
    assertEquals(-127, q.qmin());
    assertEquals(127, q.qmax());
    assertEquals(3f / 254f, q.scale(0));
    // -1 / (3/254) = -84.67, rint -85; zp = -127 + 85
    assertEquals(-42, q.zeroPoint(0));
    assertEquals(0f, q.dequantize(q.quantize(0f, 0), 0));
  }

  @Test
  void tiesRoundHalfToEven() {
    QParams q = new QParams(8, false, new float[] {0.25f}, new int[] {10});
    assertEquals(12, q.quantize(2.5f * 0.25f, 0)); // 2.5 -> 2
    assertEquals(14, q.quantize(3.5f * 0.25f, 0)); // 3.5 -> 4
    assertEquals(8, q.quantize(-2.5f * 0.25f, 0)); // -2.5 -> -2
    assertEquals(6, q.quantize(-3.5f * 0.25f, 0)); // -3.5 -> -4
    assertEquals(-0.5f, q.dequantize(8, 0));
  }

  @Test
  void saturatesAndMapsNanToTheZeroPoint() {
    QParams q = new QParams(8, false, new float[] {0.25f}, new int[] {10});
    assertEquals(255, q.quantize(1e6f, 0));
    assertEquals(0, q.quantize(-1e6f, 0));
    assertEquals(255, q.quantize(Float.POSITIVE_INFINITY, 0));
    assertEquals(0, q.quantize(Float.NEGATIVE_INFINITY, 0));
    assertEquals(10, q.quantize(Float.NaN, 0));
    assertEquals(255, q.quantize(61.375f, 0)); // 245.5 + 10 rounds to 256, clamps
    assertEquals(255, q.quantize(61.25f, 0)); // 245 + 10 exactly
  }

  @Test
  void symmetricSignedFourBitsIsNarrowAndOdd() {
    QParams q = QParams.fromRange(-0.5f, 1.4f, 4, true, true);
    assertEquals(-7, q.qmin());
    assertEquals(7, q.qmax());
    assertEquals(1.4f / 7f, q.scale(0)); // (qmax - qmin) / 2 = 7
    assertEquals(0, q.zeroPoint(0));
    assertEquals(7, q.quantize(1.4f, 0));
    assertEquals(-7, q.quantize(-1.4f, 0));
    assertEquals(-7, q.quantize(-100f, 0)); // never -8
    for (float x = -2f; x <= 2f; x += 0.01f) {
      assertEquals(-q.quantize(x, 0), q.quantize(-x, 0), "x = " + x);
    }
  }

  @Test
  void symmetricUnsignedCentersTheZeroPoint() {
    QParams q = QParams.fromRange(-3f, 1f, 8, true, false);
    assertEquals(128, q.zeroPoint(0));
    assertEquals(3f / 127.5f, q.scale(0));
    assertEquals(0, q.quantize(-3f, 0)); // -127.5 + 128 = 0.5, rounds to 0
    assertEquals(0f, q.dequantize(q.quantize(0f, 0), 0));
  }

  @Test
  void emptyRangeGetsTheEpsilonScale() {
    QParams q = QParams.fromRange(0f, 0f, 8, false, false);
    assertEquals(0x1p-23f, q.scale(0));
    assertEquals(0, q.zeroPoint(0));
    assertEquals(0f, q.dequantize(q.quantize(0f, 0), 0));
  }

  @Test
  void positiveRangeIsWidenedToZero() {
    assertEquals(QParams.fromRange(0f, 2f, 8, false, false),
        QParams.fromRange(1f, 2f, 8, false, false));
    assertEquals(QParams.fromRange(-2f, 0f, 8, true, true),
        QParams.fromRange(-2f, -1f, 8, true, true));
  }

  @Test
  void perChannelBlocksHaveTheirOwnScale() {
    float[] w = {-1f, 0.5f, 1f, 0f, 10f, 20f}; // (2 channels, 3)
    QParams q = QParams.perChannel(w, 2, 8, true, true);
    assertEquals(2, q.channels());
    assertArrayEquals(new float[] {1f / 127f, 20f / 127f}, q.scale());
    assertArrayEquals(new int[] {0, 0}, q.zeroPoint());
    float[] out = new float[6];
    q.fakeQuant(w, out, 2);
    for (int i = 0; i < 6; i++) {
      int c = i / 3;
      assertEquals(q.dequantize(q.quantize(w[i], c), c), out[i]);
    }
    assertEquals(-1f, out[0], 1e-6f);
    assertEquals(20f, out[5], 1e-5f);
    QParams t = QParams.perTensor(w, 8, true, true);
    assertArrayEquals(new float[] {20f / 127f}, t.scale());
    assertThrows(IllegalArgumentException.class, () -> q.fakeQuant(w, out, 1));
    assertThrows(IllegalArgumentException.class, () -> QParams.perChannel(w, 4, 8, true, true));
  }

  @Test
  void fakeQuantIsIdempotentAndMayWorkInPlace() {
    Random r = new Random(7);
    for (int bits : new int[] {2, 3, 4, 8}) {
      for (int scheme = 0; scheme < 4; scheme++) {
        boolean symmetric = (scheme & 1) != 0;
        boolean signed = (scheme & 2) != 0;
        float[] w = new float[3 * 17];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) (r.nextGaussian() * 3 + (i < 17 ? 1 : 0));
        }
        QParams q = QParams.perChannel(w, 3, bits, symmetric, signed);
        float[] once = new float[w.length];
        q.fakeQuant(w, once, 3);
        float[] twice = once.clone();
        q.fakeQuant(twice, twice, 3);
        assertArrayEquals(once, twice, bits + " bits, scheme " + scheme);
        for (int c = 0; c < 3; c++) {
          assertEquals(0f, q.dequantize(q.quantize(0f, c), c));
        }
      }
    }
  }

  @Test
  void arraysAreCopiedAndValuesCompared() {
    float[] s = {0.5f};
    int[] z = {3};
    QParams q = new QParams(8, false, s, z);
    s[0] = 9f;
    z[0] = 4;
    assertEquals(0.5f, q.scale(0));
    assertEquals(3, q.zeroPoint(0));
    assertEquals(q, new QParams(8, false, new float[] {0.5f}, new int[] {3}));
    assertEquals(q.hashCode(), new QParams(8, false, new float[] {0.5f}, new int[] {3}).hashCode());
  }

  @Test
  void rejectsBadParameters() {
    float[] one = {1f};
    assertThrows(IllegalArgumentException.class, () -> new QParams(1, true, one, new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new QParams(17, true, one, new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new QParams(8, true, one, new int[] {-128}));
    assertThrows(IllegalArgumentException.class, () -> new QParams(8, false, one, new int[] {256}));
    assertThrows(IllegalArgumentException.class,
        () -> new QParams(8, false, new float[] {0f}, new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new QParams(8, false, one, new int[2]));
    assertThrows(IllegalArgumentException.class,
        () -> QParams.fromRange(Float.NaN, 1f, 8, false, false));
    assertThrows(IllegalArgumentException.class, () -> QParams.fromRange(2f, 1f, 8, false, false));
    assertThrows(IllegalArgumentException.class,
        () -> QParams.perTensor(new float[] {1f, Float.NaN}, 8, true, true));
  }
}
