package dev.whittle.compress.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import org.junit.jupiter.api.Test;

/** Zhu and Gupta 2017, eq. 1, at its boundary steps. */
class PolynomialScheduleTest {
  // s_i = 0.1, s_f = 0.9, t0 = 100, n = 10 updates, dt = 50: ends at step 600.
  private final PolynomialSchedule s = new PolynomialSchedule(0.1, 0.9, 100, 10, 50);

  @Test
  void startsAtTheInitialAndEndsAtTheTargetSparsity() {
    assertEquals(0.1, s.sparsityAt(0), 1e-12);
    assertEquals(0.1, s.sparsityAt(100), 1e-12);
    assertEquals(0.9, s.sparsityAt(600), 1e-12);
    assertEquals(0.9, s.sparsityAt(10_000), 1e-12);
  }

  @Test
  void followsTheCubicInBetween() {
    // t = 350: (t - t0) / (n dt) = 0.5, s = 0.9 + (0.1 - 0.9) * 0.5^3 = 0.8
    assertEquals(0.8, s.sparsityAt(350), 1e-12);
    // t = 150: 0.1 of the way: s = 0.9 - 0.8 * 0.9^3
    assertEquals(0.9 - 0.8 * 0.729, s.sparsityAt(150), 1e-12);
  }

  @Test
  void updatesEveryDtStepsFromStartToEnd() {
    assertTrue(s.updatesAt(100));
    assertTrue(s.updatesAt(150));
    assertTrue(s.updatesAt(600));
    assertFalse(s.updatesAt(149));
    assertFalse(s.updatesAt(650));
    assertFalse(s.updatesAt(50));
  }

  @Test
  void rejectsEmptySchedules() {
    assertThrows(InputException.class, () -> new PolynomialSchedule(0, 0.5, 0, 0, 10));
  }
}
