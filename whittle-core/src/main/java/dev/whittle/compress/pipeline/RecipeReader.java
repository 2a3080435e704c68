package dev.whittle.compress.pipeline;

import dev.whittle.InputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a recipe: the subset of YAML a recipe needs, block mappings and one block sequence of
 * steps, with plain or quoted scalars and comments.
 *
 * <pre>
 * # Deep Compression on a small network
 * name: my-recipe
 * steps:
 *   - prune:
 *       sparsity: 0.92
 *       schedule: iterative:4
 *   - share:
 *       bits: 5
 *   - quantize       # a step with no settings
 * </pre>
 *
 * Anything else (tabs for indentation, flow collections, anchors, several documents, a key given
 * twice) is refused with the line it is on, so that a recipe never means something other than
 * what it seems to say. What a step's settings mean is checked by whoever runs the step.
 */
public final class RecipeReader {
  /** The top-level keys a recipe may have. */
  private static final Set<String> TOP = Set.of("name", "description", "steps");

  /** Longest recipe read: a recipe is a few dozen lines. */
  static final int MAX_CHARS = 1 << 20;

  private RecipeReader() {}

  private record Line(int number, int indent, String text) {}

  /**
   * The recipe in {@code text}.
   *
   * @param where the file's name, for messages ("recipe.yaml line 3: ...")
   * @throws InputException naming the line, for anything outside the recipe subset
   */
  public static Recipe read(String text, String where) {
    if (text.length() > MAX_CHARS) {
      throw new InputException(where + ": " + text.length() + " characters; a recipe has at most "
          + MAX_CHARS);
    }
    List<Line> lines = lines(text, where);
    String name = null;
    List<Recipe.Step> steps = null;
    Set<String> seen = new HashSet<>();
    int i = 0;
    while (i < lines.size()) {
      Line l = lines.get(i);
      if (l.indent() != 0) {
        throw error(where, l, "indented line outside a step; top-level keys start at column 1");
      }
      String[] kv = keyValue(where, l);
      String key = kv[0];
      if (!TOP.contains(key)) {
        throw error(where, l, "unknown key '" + key + "'; a recipe has name, description and"
            + " steps");
      }
      if (!seen.add(key)) {
        throw error(where, l, "'" + key + "' given twice");
      }
      i++;
      if (key.equals("steps")) {
        if (!kv[1].isEmpty()) {
          throw error(where, l, "steps is a list: put each step on its own line as '- NAME:'");
        }
        List<Recipe.Step> parsed = new ArrayList<>();
        while (i < lines.size() && lines.get(i).indent() > 0) {
          i = step(where, lines, i, parsed);
        }
        steps = parsed;
      } else {
        if (kv[1].isEmpty()) {
          throw error(where, l, "'" + key + "' needs a value");
        }
        if (key.equals("name")) {
          name = kv[1];
        }
      }
    }
    if (steps == null || steps.isEmpty()) {
      throw new InputException(where + ": no steps; a recipe lists them under 'steps:' as"
          + " '- prune:', '- share:' ...");
    }
    return new Recipe(name != null ? name : stem(where), where, text, steps);
  }

  /** Reads the step starting at lines[i] ("- name:" and its settings); returns the next line. */
  private static int step(String where, List<Line> lines, int i, List<Recipe.Step> out) {
    Line l = lines.get(i);
    if (!l.text().startsWith("-") || (l.text().length() > 1 && l.text().charAt(1) != ' ')) {
      throw error(where, l, "expected a step, '- NAME:' (such as '- prune:')");
    }
    String rest = l.text().substring(1).strip();
    if (rest.isEmpty()) {
      throw error(where, l, "a step needs a name after '-' (such as '- prune:')");
    }
    String name;
    if (rest.endsWith(":")) {
      name = rest.substring(0, rest.length() - 1).strip();
    } else if (rest.contains(":")) {
      throw error(where, l, "put the step's settings on the lines below '- "
          + shown(rest.substring(0, rest.indexOf(':')).strip()) + ":', one 'key: value' per line");
    } else {
      name = rest;
    }
    checkWord(where, l, name, "step name");
    List<Recipe.Setting> settings = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    int j = i + 1;
    int indent = -1;
    while (j < lines.size() && lines.get(j).indent() > l.indent()) {
      Line s = lines.get(j);
      if (s.text().startsWith("-")) {
        if (indent < 0 && s.indent() > l.indent()) {
          throw error(where, s, "a step's settings are 'key: value' lines, not a list");
        }
        break;
      }
      if (indent < 0) {
        indent = s.indent();
        if (indent <= l.indent() + 1) {
          throw error(where, s, "indent a step's settings past its '-'");
        }
      } else if (s.indent() != indent) {
        throw error(where, s, "settings of a step must line up (expected " + indent
            + " spaces, found " + s.indent() + ")");
      }
      String[] kv = keyValue(where, s);
      checkWord(where, s, kv[0], "setting");
      if (kv[1].isEmpty()) {
        throw error(where, s, "setting '" + kv[0] + "' needs a value");
      }
      if (!keys.add(kv[0])) {
        throw error(where, s, "setting '" + kv[0] + "' given twice in step " + name);
      }
      settings.add(new Recipe.Setting(kv[0], kv[1], s.number()));
      j++;
    }
    if (!rest.endsWith(":") && !settings.isEmpty()) {
      throw error(where, lines.get(i + 1), "step '" + name + "' has settings: write '- " + name
          + ":'");
    }
    out.add(new Recipe.Step(name, l.number(), settings));
    return j;
  }

  /** key and value (unquoted, possibly empty) of a "key: value" line. */
  private static String[] keyValue(String where, Line l) {
    String t = l.text();
    int colon = t.indexOf(':');
    while (colon >= 0 && colon + 1 < t.length() && t.charAt(colon + 1) != ' ') {
      colon = t.indexOf(':', colon + 1);
    }
    if (colon <= 0) {
      throw error(where, l, "expected 'key: value'");
    }
    String key = t.substring(0, colon).strip();
    checkWord(where, l, key, "key");
    return new String[] {key, scalar(where, l, t.substring(colon + 1).strip())};
  }

  private static String scalar(String where, Line l, String v) {
    if (v.isEmpty()) {
      return v;
    }
    char c = v.charAt(0);
    if (c == '"' || c == '\'') {
      if (v.length() < 2 || v.charAt(v.length() - 1) != c) {
        throw error(where, l, "unterminated quoted value " + shown(v));
      }
      String inner = v.substring(1, v.length() - 1);
      if (inner.indexOf(c) >= 0 || (c == '"' && inner.indexOf('\\') >= 0)) {
        throw error(where, l, "escapes in quoted values are not supported: " + shown(v));
      }
      return inner;
    }
    if ("{[&*!|>%@`".indexOf(c) >= 0) {
      throw error(where, l, "'" + c + "' starts YAML a recipe does not use (flow collections,"
          + " anchors, tags, block scalars); write plain 'key: value' lines");
    }
    return v;
  }

  private static void checkWord(String where, Line l, String word, String what) {
    if (word.isEmpty() || !word.matches("[A-Za-z][A-Za-z0-9_-]*")) {
      throw error(where, l, "bad " + what + " '" + shown(word) + "': letters, digits, '_' and '-',"
          + " starting with a letter");
    }
  }

  /** Non-blank lines without comments, with their numbers and indents. */
  private static List<Line> lines(String text, String where) {
    List<Line> out = new ArrayList<>();
    String[] raw = text.split("\\R", -1);
    for (int n = 0; n < raw.length; n++) {
      String s = stripComment(raw[n]);
      if (s.isBlank()) {
        continue;
      }
      int indent = 0;
      while (indent < s.length() && s.charAt(indent) == ' ') {
        indent++;
      }
      Line l = new Line(n + 1, indent, s.strip());
      if (s.charAt(indent) == '\t' || s.substring(0, indent).indexOf('\t') >= 0) {
        throw error(where, l, "tab in indentation; YAML indents with spaces");
      }
      if (l.text().equals("---") || l.text().equals("...")) {
        throw error(where, l, "a recipe is one YAML document; remove '" + l.text() + "'");
      }
      out.add(l);
    }
    return out;
  }

  /** The line without a comment: '#' at its start or after a space, outside quotes. */
  private static String stripComment(String s) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  /** Text from the file for a message: control characters escaped, at most 60 characters. */
  static String shown(String text) {
    StringBuilder b = new StringBuilder();
    text.codePoints().limit(60).forEach(c -> {
      if (Character.isISOControl(c) || !Character.isDefined(c)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return text.codePointCount(0, text.length()) > 60 ? b + "..." : b.toString();
  }

  private static InputException error(String where, Line l, String message) {
    return new InputException(where + " line " + l.number() + ": " + message);
  }

  private static String stem(String where) {
    String f = where.replaceAll(".*[/\\\\]", "");
    return f.replaceAll("\\.ya?ml$", "");
  }
}
