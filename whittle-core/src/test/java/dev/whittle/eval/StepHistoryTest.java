package dev.whittle.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whittle.InputException;
import dev.whittle.train.EpochStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepHistoryTest {
  private static final EpochStats E0 = new EpochStats(0, 0.05, 0.9, 0.7, Double.NaN, Double.NaN);
  private static final EpochStats E1 = new EpochStats(1, 0.01, 0.3, 0.9, 0.35, 0.88);

  @Test
  void stepsAddUpAndTheirCurvesFollowEachOther() {
    Map<String, String> prov = new LinkedHashMap<>();
    StepHistory.record(prov, "whittle train", 12.5, List.of(E0, E1));
    StepHistory.record(prov, "whittle quantize", 0.25, List.of());
    StepHistory.record(prov, "whittle prune", 3.125, List.of(E0));
    assertEquals("whittle train\nwhittle quantize\nwhittle prune", prov.get("commands"));
    assertEquals("12.500\n0.250\n3.125", prov.get("step_seconds"));
    assertEquals(15.875, StepHistory.trainSeconds(prov), 1e-12);
    List<StepHistory.Epoch> c = StepHistory.curve(prov);
    assertEquals(3, c.size());
    assertEquals(new StepHistory.Epoch(0, 0, 0.9, 0.7, Double.NaN, Double.NaN), c.get(0));
    assertEquals(new StepHistory.Epoch(0, 1, 0.3, 0.9, 0.35, 0.88), c.get(1));
    assertEquals(2, c.get(2).step(), "the prune step's epoch: step 3 of 3");
    assertEquals(2, c.get(2).index());
  }

  @Test
  void aStepWithoutARecordedTimeMakesTheSumUnknown() {
    Map<String, String> prov = new LinkedHashMap<>();
    assertNull(StepHistory.trainSeconds(prov), "no steps");
    prov.put("commands", "whittle prune p.wtl"); // written before times were recorded
    assertNull(StepHistory.trainSeconds(prov));
    StepHistory.record(prov, "whittle share", 2, List.of(E0));
    assertEquals("-\n2.000", prov.get("step_seconds"), "the old step padded as unknown");
    assertEquals("[]", prov.get("step_curves").split("\n")[0]);
    assertNull(StepHistory.trainSeconds(prov));
    assertEquals(1, StepHistory.curve(prov).size());
  }

  @Test
  void aMalformedCurveIsAnInputError() {
    Map<String, String> prov = new LinkedHashMap<>(Map.of("step_curves", "{\"epoch\":0}"));
    InputException e = assertThrows(InputException.class, () -> StepHistory.curve(prov));
    assertEquals("provenance step_curves line 1: expected a JSON array", e.getMessage());
  }
}
