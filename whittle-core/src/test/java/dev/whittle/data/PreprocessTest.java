package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreprocessTest {
  /** n samples of 2 features: (i, 5) with label i % 3. */
  private static Dataset ramp(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 5;
      y[i] = i % 3;
    }
    return new Dataset("ramp", x, y, n, new int[] {2}, 3);
  }

  @Test
  void meanStdAndStandardize() {
    Dataset d = ramp(4); // feature 0: 0,1,2,3 -> mean 1.5, std sqrt(1.25); feature 1 constant
    float[][] ms = Preprocess.meanStd(d);
    assertArrayEquals(new float[] {1.5f, 5f}, ms[0], 1e-6f);
    assertArrayEquals(new float[] {(float) Math.sqrt(1.25), Preprocess.MIN_STD}, ms[1], 1e-6f);
    Dataset s = Preprocess.standardize(d, ms[0], ms[1]);
    float[][] after = Preprocess.meanStd(s);
    assertEquals(0f, after[0][0], 1e-6f);
    assertEquals(1f, after[1][0], 1e-5f);
    assertEquals(0f, s.x()[1], 0f);
    assertArrayEquals(d.y(), s.y());
    InputException e =
        assertThrows(
            InputException.class,
            () -> Preprocess.standardize(d, new float[3], new float[] {1, 1, 1}));
    assertTrue(e.getMessage().contains("has 2 features but the statistics have 3"));
    assertThrows(
        InputException.class,
        () -> Preprocess.standardize(d, new float[2], new float[] {1, 0}));
  }

  @Test
  void validationSplitSizesDisjointDeterministic() {
    Dataset d = ramp(1000);
    Split s = Preprocess.validation(d, 0.1, 7);
    assertEquals(900, s.train().n());
    assertEquals(100, s.test().n());
    assertEquals("ramp-validation", s.test().name());
    Set<Float> seen = new HashSet<>();
    for (Dataset part : new Dataset[] {s.train(), s.test()}) {
      for (int i = 0; i < part.n(); i++) {
        assertTrue(seen.add(part.x()[2 * i]), "sample in both parts");
        assertEquals(((int) part.x()[2 * i]) % 3, part.y()[i]);
      }
    }
    assertEquals(1000, seen.size());
    Split again = Preprocess.validation(d, 0.1, 7);
    assertArrayEquals(s.test().x(), again.test().x());
    Split other = Preprocess.validation(d, 0.1, 8);
    assertTrue(!java.util.Arrays.equals(s.test().x(), other.test().x()));
    // both parts keep file order
    for (int i = 1; i < s.test().n(); i++) {
      assertTrue(s.test().x()[2 * i] > s.test().x()[2 * i - 2]);
    }
    assertEquals(1, Preprocess.validation(ramp(2), 0.01, 1).test().n());
    assertEquals(1, Preprocess.validation(ramp(2), 0.99, 1).train().n());
    assertThrows(InputException.class, () -> Preprocess.validation(d, 1.0, 1));
    assertThrows(InputException.class, () -> Preprocess.validation(d, 0, 1));
    assertThrows(InputException.class, () -> Preprocess.validation(ramp(1), 0.5, 1));
  }

  @Test
  void datasetOperations() {
    Dataset d = ramp(5);
    Dataset sub = d.subset(1, 3);
    assertArrayEquals(new float[] {1, 5, 2, 5}, sub.x());
    assertArrayEquals(new int[] {1, 2}, sub.y());
    Dataset t = d.take(new int[] {4, 0}, "t");
    assertEquals("t", t.name());
    assertArrayEquals(new float[] {4, 5, 0, 5}, t.x());
    assertEquals(2, d.head(2).n());
    assertEquals(5, d.head(50).n());
    assertArrayEquals(new int[] {2, 2, 1}, d.classCounts());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Dataset("bad", new float[3], null, 2, new int[] {2}, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Dataset("bad", new float[2], new int[] {3}, 1, new int[] {2}, 3));
    Dataset unlabelled = new Dataset("u", new float[4], null, 2, new int[] {2}, 0);
    assertEquals(1, unlabelled.subset(1, 2).n());
  }
}
