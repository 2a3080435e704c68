package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressStageTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private Progress progress(boolean terminal) {
    return new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, false);
  }

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLogGetsALinePerStage() {
    Progress p = progress(false);
    p.stage("bench", 0, 3, "a.wtl", Double.NaN);
    p.stage("bench", 1, 3, "b.wtl", 75);
    p.endStages();
    assertEquals("bench 1/3: a.wtl\nbench 2/3: b.wtl\n", text());
  }

  @Test
  void aTerminalGetsOneBarWithTheTimeLeft() {
    Progress p = progress(true);
    p.stage("bench", 1, 4, "b.wtl", 75);
    p.endStages();
    assertEquals("\r\033[Kbench [=====>              ] 2/4 b.wtl, 1:15 left\r\033[K", text());
  }

  @Test
  void epochsAreKeptForProvenanceEvenWhenQuiet() {
    Progress p = Progress.silent();
    EpochStats a = new EpochStats(0, 0.1, 1, 0.5, Double.NaN, Double.NaN);
    EpochStats b = new EpochStats(0, 0.1, 0.5, 0.8, Double.NaN, Double.NaN);
    p.epoch(1, a, 1);
    p.epoch(1, b, 1);
    assertEquals(List.of(a, b), p.epochs());
  }
}
