package dev.whittle.compress.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
  @Test
  void weightsOneToTenAtSparsityPointTwoGiveThresholdThree() {
    float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(3f, Thresholds.threshold(w, 0.2));
    assertArrayEquals(new boolean[] {false, false, true, true, true, true, true, true, true, true},
        Thresholds.keep(w, 0.2));
  }

  @Test
  void orderDoesNotMatterAndTiesGoByPosition() {
    float[] w = {5, 1, 3, 1, 2};
    // Prune 2 of 5 (round(0.4 * 5)): both 1s.
    assertArrayEquals(new boolean[] {true, false, true, false, true}, Thresholds.keep(w, 0.4));
    // Prune 1: the first of the tied 1s.
    assertArrayEquals(new boolean[] {true, false, true, true, true}, Thresholds.keep(w, 0.2));
    assertEquals(0, Thresholds.pruneCount(5, 0.0));
  }

  @Test
  void globalScopeRanksAcrossLayers() {
    float[] a = {1, 2, 3, 4};
    float[] b = {10, 20, 0.5f, 30};
    boolean[][] k = Thresholds.keepGlobal(List.of(a, b), 0.25); // prune 2 of 8: 0.5 and 1
    assertArrayEquals(new boolean[] {false, true, true, true}, k[0]);
    assertArrayEquals(new boolean[] {true, true, false, true}, k[1]);
  }
}
