package dev.whittle.compress.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whittle.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeReaderTest {
  @Test
  void stepsSettingsAndLines() {
    String text = """
        # a comment
        name: small   # trailing comment
        steps:
          - prune:
              sparsity: 0.9
              schedule: "iterative:4"
          - quantize
          - share:
              bits: '4,fc3=6'   # quoted
        """;
    Recipe r = RecipeReader.read(text, "r.yaml");
    assertEquals("small", r.name());
    assertEquals(List.of("prune", "quantize", "share"),
        r.steps().stream().map(Recipe.Step::name).toList());
    Recipe.Step prune = r.steps().get(0);
    assertEquals(4, prune.line());
    assertEquals(List.of(new Recipe.Setting("sparsity", "0.9", 5),
        new Recipe.Setting("schedule", "iterative:4", 6)), prune.settings());
    assertEquals(List.of(), r.steps().get(1).settings());
    assertEquals("4,fc3=6", r.steps().get(2).setting("bits").orElseThrow().value());
  }

  @Test
  void theNameDefaultsToTheFileName() {
    assertEquals("mine", RecipeReader.read("steps:\n  - prune\n", "dir/mine.yaml").name());
  }

  @Test
  void theBuiltInDeepCompressionRecipeReads() {
    Recipe r = Recipe.builtIn("deep-compression").orElseThrow();
    assertEquals(List.of("prune", "share"), r.steps().stream().map(Recipe.Step::name).toList());
    assertEquals("0.93", r.steps().get(0).setting("sparsity").orElseThrow().value());
  }

  private static String error(String text) {
    return assertThrows(InputException.class, () -> RecipeReader.read(text, "r.yaml"))
        .getMessage();
  }

  @Test
  void everythingOutsideTheSubsetNamesItsLine() {
    assertEquals("r.yaml line 1: unknown key 'stpes'; a recipe has name, description and steps",
        error("stpes:\n  - prune\n"));
    assertEquals("r.yaml: no steps; a recipe lists them under 'steps:' as '- prune:', '- share:'"
        + " ...", error("name: x\n"));
    assertEquals("r.yaml line 3: tab in indentation; YAML indents with spaces",
        error("steps:\n  - prune:\n\tsparsity: 0.9\n"));
    assertEquals("r.yaml line 2: put the step's settings on the lines below '- prune:', one"
        + " 'key: value' per line", error("steps:\n  - prune: {sparsity: 0.9}\n"));
    assertEquals("r.yaml line 3: '{' starts YAML a recipe does not use (flow collections,"
        + " anchors, tags, block scalars); write plain 'key: value' lines",
        error("steps:\n  - prune:\n      bits: {a: 1}\n"));
    assertEquals("r.yaml line 4: setting 'sparsity' given twice in step prune",
        error("steps:\n  - prune:\n      sparsity: 0.9\n      sparsity: 0.8\n"));
    assertEquals("r.yaml line 4: settings of a step must line up (expected 6 spaces, found 5)",
        error("steps:\n  - prune:\n      sparsity: 0.9\n     scope: global\n"));
    assertEquals("r.yaml line 3: setting 'sparsity' needs a value",
        error("steps:\n  - prune:\n      sparsity:\n"));
    assertEquals("r.yaml line 2: expected a step, '- NAME:' (such as '- prune:')",
        error("steps:\n  prune:\n"));
    assertEquals("r.yaml line 2: a recipe is one YAML document; remove '---'",
        error("steps:\n---\n  - prune\n"));
    assertEquals("r.yaml line 4: 'name' given twice", error("name: a\nsteps:\n  - x\nname: b\n"));
    assertEquals("r.yaml line 3: unterminated quoted value \"abc",
        error("steps:\n  - prune:\n      x: \"abc\n"));
    assertEquals("r.yaml line 2: bad step name '9x': letters, digits, '_' and '-', starting with"
        + " a letter", error("steps:\n  - 9x\n"));
    assertEquals("r.yaml line 3: step 'prune' has settings: write '- prune:'",
        error("steps:\n  - prune\n      sparsity: 0.9\n"));
  }
}
