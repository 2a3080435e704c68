package dev.whittle.compress.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankSpecTest {
  @Test
  void energyRanksByHand() {
    // s^2 = 9, 4, 1: the first r keep 9/14 = 0.643, 13/14 = 0.929 and all of it.
    double[] s = {3, 2, 1};
    assertEquals(1, RankSpec.byEnergy(s, 0.5));
    assertEquals(1, RankSpec.byEnergy(s, 0.64));
    assertEquals(2, RankSpec.byEnergy(s, 0.65));
    assertEquals(2, RankSpec.byEnergy(s, 0.9));
    assertEquals(3, RankSpec.byEnergy(s, 0.95));
    assertEquals(3, RankSpec.byEnergy(s, 1));
    assertEquals(13.0 / 14, RankSpec.energy(s, 2), 1e-15);
    // The boundary counts: 9 of 10 is exactly 0.9.
    assertEquals(1, RankSpec.byEnergy(new double[] {3, 1}, 0.9));
    // Trailing zeros are never needed, even for all of the energy.
    assertEquals(2, RankSpec.byEnergy(new double[] {2, 1, 0, 0}, 1));
  }

  @Test
  void parsesADefaultRankLayerRanksAndEnergy() {
    assertEquals(new RankSpec(64, Double.NaN, Map.of()), RankSpec.parse("64", null));
    assertEquals(new RankSpec(0, Double.NaN, Map.of("fc1", 64, "fc2", 32)),
        RankSpec.parse("fc1=64, fc2=32", null));
    RankSpec mixed = RankSpec.parse("fc3=2", 0.9);
    assertEquals(new RankSpec(0, 0.9, Map.of("fc3", 2)), mixed);
    double[] s = {3, 2, 1};
    assertEquals(2, mixed.rankOf("fc3", s, 3, 5));
    assertEquals(2, mixed.rankOf("fc1", s, 3, 5));
    assertTrue(RankSpec.parse("fc1=4", null).covers("fc1"));
    assertTrue(!RankSpec.parse("fc1=4", null).covers("fc2"));
  }

  @Test
  void badValuesNameTheFlag() {
    assertMessage("--rank must be at least 1, got 0", () -> RankSpec.parse("0", null));
    assertMessage("--rank fc1 must be at least 1, got -3", () -> RankSpec.parse("fc1=-3", null));
    assertMessage("--rank: expected a whole number or LAYER=NUMBER, got 'fc1=x'",
        () -> RankSpec.parse("fc1=x", null));
    assertMessage("--energy must be in (0, 1], got 1.5", () -> RankSpec.parse(null, 1.5));
    assertMessage("--energy must be in (0, 1], got 0.0", () -> RankSpec.parse(null, 0.0));
    assertMessage("--energy must be in (0, 1], got NaN", () -> RankSpec.parse(null, Double.NaN));
    assertMessage("--rank 8 and --energy 0.9 both set", () -> RankSpec.parse("8", 0.9));
    assertMessage("give --rank R", () -> RankSpec.parse(null, null));
    RankSpec big = RankSpec.parse("4,fc2=5", null);
    double[] s = {3, 2, 1};
    assertMessage("--rank fc2=5 is above the full rank of layer fc2: its weight is 3 x 7, so its"
        + " rank is at most 3", () -> big.rankOf("fc2", s, 3, 7));
    assertMessage("--rank 4 is above the full rank of layer fc1", () -> big.rankOf("fc1", s, 3, 7));
  }

  private static void assertMessage(String part, Runnable r) {
    InputException e = assertThrows(InputException.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
