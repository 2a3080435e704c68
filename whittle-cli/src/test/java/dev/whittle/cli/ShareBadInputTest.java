package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whittle share} on bad settings: exit 2, one line naming the flag or layer, no file. */
class ShareBadInputTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void trainOne() {
    model = dir.resolve("m.wtl");
    CliRun r = CliRun.of("train", "--model", "lenet300", "--data", "digits", "--epochs", "1",
        "--out", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  private static void assertBad(String message, String... extra) {
    Path out = dir.resolve("s.wtl");
    List<String> args = new ArrayList<>(List.of("share", model.toString(), "--data", "digits",
        "--finetune-epochs", "0", "--out", out.toString()));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    String line = r.errorLine();
    assertTrue(line.contains(message), "message '" + line + "' should contain '" + message + "'");
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
  }

  @Test
  void zeroBits() {
    assertBad("--bits must be in 1..16, got 0", "--bits", "0");
  }

  @Test
  void bitsAbove16() {
    assertBad("--bits must be in 1..16, got 17", "--bits", "17");
    assertBad("--bits fc2 must be in 1..16, got 20", "--bits", "fc2=20");
  }

  @Test
  void moreClustersThanNonZeroWeights() {
    // fc3 of lenet300 on 8x8 digits has 100 x 10 = 1000 weights; 11 bits is 2048 clusters.
    assertBad("layer fc3: 2048 clusters (11 bits) but only 1000 non-zero weights", "--bits",
        "fc3=11");
    assertBad("layer fc1: 65536 clusters (16 bits) but only 19200 non-zero weights; give it"
        + " fewer bits (--bits fc1=14)", "--bits", "16");
  }

  @Test
  void unknownLayerAndInit() {
    assertBad("--bits names layer 'fc9'", "--bits", "fc9=4");
    assertBad("--init must be linear, density or random, got 'kmeans++'", "--init", "kmeans++");
    assertBad("--bits: expected a whole number or LAYER=NUMBER, got 'five'", "--bits", "five");
  }
}
