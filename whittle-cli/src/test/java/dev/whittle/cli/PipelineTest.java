package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code whittle pipeline} on the bundled digits: recipes run as their commands would, bad
 * recipes are refused with their line before any work, and a stage made before is kept on
 * {@code --resume} with the same result.
 */
class PipelineTest {
  @TempDir static Path dir;
  static Path model;

  static final String RECIPE = """
      name: small
      steps:
        - prune:
            sparsity: 0.6
            finetune_epochs: 1
        - share:
            bits: 3
            finetune_epochs: 1
      """;

  @BeforeAll
  static void trainOne() {
    model = dir.resolve("m.wtl");
    CliRun r = CliRun.of("train", "--model", "mlp:64-32-10", "--data", "digits", "--epochs", "2",
        "--out", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  static Path recipe(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static CliRun pipeline(Path recipe, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("pipeline", recipe.toString(), model.toString(),
        "--data", "digits", "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void aRecipeRunsItsStepsAndResumeKeepsWhatWasMade() throws IOException {
    Path r = recipe("small.yaml", RECIPE);
    Path out = dir.resolve("a.wtl");
    Path json = dir.resolve("a.json");
    CliRun first = pipeline(r, out, "--keep-stages", "--json", json.toString());
    assertEquals(0, first.code(), first.err());
    System.out.println(first.out());
    // The stage table: the input, one row per step, the output; then Deep Compression's table.
    assertTrue(first.out().contains("1 prune"), first.out());
    assertTrue(first.out().contains("2 share"), first.out());
    assertTrue(first.out().contains("weight bits (P+Q)"), first.out());
    String doc = Files.readString(json);
    assertTrue(doc.contains("\"recipe\": \"small\""), doc);
    assertTrue(doc.contains("\"stages\""), doc);
    assertTrue(doc.contains("\"storage\""), doc);
    Path stages = dir.resolve("a.stages");
    assertTrue(Files.exists(stages.resolve("1-prune.wtl")));
    assertTrue(Files.exists(stages.resolve("2-share.wtl")));
    // The stage's model is what `whittle share` made: each weight one of 2^3 centroids.
    CliRun info = CliRun.of("info", out.toString());
    assertTrue(info.out().contains("codebook3"), info.out());
    byte[] made = TestModels.bytesWithoutTimes(out);

    // As after a crash in the second stage: its model and the output are missing.
    Files.delete(stages.resolve("2-share.wtl"));
    Files.delete(out);
    CliRun again = pipeline(r, out, "--keep-stages", "--json", json.toString(), "--resume");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("pipeline: stage 1 prune was made before; kept"), again.err());
    assertFalse(again.err().contains("stage 1/2"), again.err());
    assertArrayEquals(made, TestModels.bytesWithoutTimes(out),
        "the same file as the uninterrupted run, but for the training times recorded");
  }

  @Test
  void theBuiltInRecipeIsShown() {
    CliRun r = CliRun.of("pipeline", "deep-compression", "--show");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("schedule: iterative:4"), r.out());
  }

  private static void assertBad(String message, String text) throws IOException {
    Path r = recipe("bad.yaml", text);
    Path out = dir.resolve("bad.wtl");
    CliRun run = pipeline(r, out);
    assertEquals(2, run.code(), "exit code; stderr: " + run.err());
    assertEquals("whittle pipeline: " + message, run.errorLine());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    assertFalse(run.err().contains("stage 1/"), "no step ran: " + run.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
    assertFalse(Files.exists(dir.resolve("bad.stages")), "no stage folder");
  }

  @Test
  void badRecipesNameTheirLineBeforeAnyStepRuns() throws IOException {
    assertBad("bad.yaml line 5: unknown step 'sharpen' (steps: prune, share, quantize, lowrank,"
        + " distill)", "steps:\n  - prune:\n      sparsity: 0.5\n\n  - sharpen\n");
    String unknown = assertThrowsMessage("steps:\n  - prune:\n      sparsty: 0.5\n");
    assertTrue(unknown.startsWith("whittle pipeline: bad.yaml line 3: step prune has no setting"
        + " 'sparsty' (its settings: "), unknown);
    assertTrue(unknown.contains("finetune_epochs"), unknown);
    assertBad("bad.yaml line 5: step share: '--bits must be in 1..16, got 0'"
        .replace("'", ""), "steps:\n  - prune:\n      sparsity: 0.5\n  - share:\n      bits: 0\n");
  }

  @Test
  void stagesAreRemovedWithoutKeepStages() throws IOException {
    Path out = dir.resolve("k.wtl");
    CliRun r = pipeline(recipe("one.yaml", "steps:\n  - prune:\n      sparsity: 0.5\n"
        + "      finetune_epochs: 0\n"), out);
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("k.stages")), "stage folder removed");
  }

  private static String assertThrowsMessage(String text) throws IOException {
    Path r = recipe("bad.yaml", text);
    CliRun run = pipeline(r, dir.resolve("bad.wtl"));
    assertEquals(2, run.code(), run.err());
    return run.errorLine();
  }
}
