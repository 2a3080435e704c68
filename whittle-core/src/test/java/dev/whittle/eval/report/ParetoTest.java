package dev.whittle.eval.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ParetoTest {
  @Test
  void aModelIsOnTheFrontWhenNoneIsBothCheaperAndAtLeastAsAccurate() {
    // costs (bytes):   1000  100    100   30    500   NaN
    // accuracy (%):    98.4  98.3   97.0  95.0  98.4  99
    double[] cost = {1000, 100, 100, 30, 500, Double.NaN};
    double[] acc = {98.4, 98.3, 97.0, 95.0, 98.4, 99};
    // 1000 @ 98.4 is dominated by 500 @ 98.4 (cheaper, as accurate); 100 @ 97.0 by 100 @ 98.3.
    assertArrayEquals(new boolean[] {false, true, false, true, true, false},
        Pareto.front(cost, acc));
  }

  @Test
  void equalModelsAreBothOnTheFront() {
    assertArrayEquals(new boolean[] {true, true},
        Pareto.front(new double[] {5, 5}, new double[] {90, 90}));
  }
}
