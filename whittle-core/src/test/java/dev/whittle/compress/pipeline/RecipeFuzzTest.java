package dev.whittle.compress.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.whittle.ReaderFuzz;
import java.nio.charset.StandardCharsets;

/** The recipe reader on fuzzed bytes: a recipe or a one-line error naming the line. */
class RecipeFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void recipe(byte[] input) {
    ReaderFuzz.check(input, bytes -> RecipeReader.read(new String(bytes, StandardCharsets.UTF_8),
        "fuzz.yaml"));
  }
}
