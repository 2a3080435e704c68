package dev.whittle.compress.pipeline;

import dev.whittle.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A chain of compression steps, each a technique with its settings, as read from a recipe file.
 *
 * @param where the file's name, for messages
 * @param text the recipe as written (kept in the made model's provenance)
 */
public record Recipe(String name, String where, String text, List<Step> steps) {
  /** The recipes that ship with Whittle, by name. */
  public static final List<String> BUILT_IN = List.of("deep-compression");

  public Recipe {
    steps = List.copyOf(steps);
  }

  /**
   * One step: a technique (the name of the command that applies it) and its settings.
   *
   * @param line the step's line in the file, for messages
   */
  public record Step(String name, int line, List<Setting> settings) {
    public Step {
      settings = List.copyOf(settings);
    }

    /** The setting of that name, if given. */
    public Optional<Setting> setting(String key) {
      return settings.stream().filter(s -> s.key().equals(key)).findFirst();
    }
  }

  /** One {@code key: value} of a step, with its line. */
  public record Setting(String key, String value, int line) {}

  /** The built-in recipe of that name. */
  public static Optional<Recipe> builtIn(String name) {
    if (!BUILT_IN.contains(name)) {
      return Optional.empty();
    }
    String file = name + ".yaml";
    try (InputStream in = Recipe.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("built-in recipe missing from the jar: " + file);
      }
      return Optional.of(RecipeReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An error about a line of this recipe: {@code deep.yaml line 7: message}. */
  public InputException error(int line, String message) {
    return new InputException(where + " line " + line + ": " + message);
  }
}
