package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  private static final float[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // 3x3

  @Test
  void shiftByHand() {
    float[] out = new float[9];
    Jitter.shift(IMAGE, out, 0, 3, 3, 1, -1); // down one row, left one column
    assertArrayEquals(new float[] {0, 0, 0, 2, 3, 0, 5, 6, 0}, out);
    Jitter.shift(IMAGE, out, 0, 3, 3, -2, 2);
    assertArrayEquals(new float[] {0, 0, 7, 0, 0, 0, 0, 0, 0}, out);
    Jitter.shift(IMAGE, out, 0, 3, 3, 0, 0);
    assertArrayEquals(IMAGE, out);
  }

  @Test
  void jitterMovesEachImageWithinItsBoundsAndRepeatsWithTheSeed() {
    int n = 50;
    float[] x = new float[n * 9];
    for (int s = 0; s < n; s++) {
      x[s * 9 + 4] = 1; // one lit centre pixel
    }
    float[] a = x.clone();
    float[] b = x.clone();
    Augmentation.jitter(1).applyInPlace(a, n, new int[] {1, 3, 3}, 42);
    Augmentation.jitter(1).applyInPlace(b, n, new int[] {1, 3, 3}, 42);
    assertArrayEquals(a, b);
    int moved = 0;
    for (int s = 0; s < n; s++) {
      float sum = 0;
      for (int i = 0; i < 9; i++) {
        sum += a[s * 9 + i];
      }
      assertEquals(1, sum, "a shift of at most one pixel keeps the centre pixel in the image");
      moved += a[s * 9 + 4] == 1 ? 0 : 1;
    }
    assertTrue(moved > n / 2, "most of 50 images moved (8 of 9 shifts move): " + moved);
  }

  @Test
  void noiseHasTheGivenSpread() {
    float[] x = new float[20_000];
    Augmentation.noise(0.5).applyInPlace(x, 20_000, new int[] {1}, 7);
    double sum = 0;
    double sq = 0;
    for (float v : x) {
      sum += v;
      sq += v * v;
    }
    assertEquals(0, sum / x.length, 0.02);
    assertEquals(0.5, Math.sqrt(sq / x.length), 0.02);
  }

  @Test
  void parse() {
    float[] x = IMAGE.clone();
    Augmentation.parse("jitter:1,noise:0.1", "--augment").applyInPlace(x, 1, new int[] {3, 3}, 1);
    assertFalse(java.util.Arrays.equals(IMAGE, x));
    assertEquals("--augment: unknown augmentation 'blur:2'; expected jitter:PIXELS or"
        + " noise:SIGMA, or several joined by commas", assertThrows(InputException.class,
            () -> Augmentation.parse("blur:2", "--augment")).getMessage());
    assertThrows(InputException.class, () -> Augmentation.parse("jitter:0", "--augment"));
    assertThrows(InputException.class, () -> Augmentation.parse("noise:-1", "--augment"));
    assertThrows(InputException.class, () -> Augmentation.parse("jitter:x", "--augment"));
    InputException e = assertThrows(InputException.class,
        () -> Augmentation.jitter(2).applyInPlace(new float[4], 1, new int[] {4}, 1));
    assertTrue(e.getMessage().contains("shifts images"), e.getMessage());
  }
}
