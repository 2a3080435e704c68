package dev.whittle.eval;

import dev.whittle.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text into maps (in order), lists, strings, doubles, booleans and null: the inverse
 * of {@link Json} for what Whittle writes (provenance values, metrics). Errors name the offset.
 */
public final class JsonReader {
  /** Arrays and objects nest at most this deep: deeper text is refused, not a stack overflow. */
  static final int MAX_DEPTH = 64;

  private final String s;
  private int i;
  private int depth;

  private JsonReader(String s) {
    this.s = s;
  }

  /** Parses one value; anything but white space after it is an error. */
  public static Object parse(String text) {
    JsonReader r = new JsonReader(text);
    Object v = r.value();
    r.space();
    if (r.i != text.length()) {
      throw r.fail("unexpected text after the value");
    }
    return v;
  }

  private Object value() {
    space();
    if (i >= s.length()) {
      throw fail("unexpected end");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> word("true", Boolean.TRUE);
      case 'f' -> word("false", Boolean.FALSE);
      case 'n' -> word("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    enter();
    i++;
    space();
    if (peek() == '}') {
      i++;
      depth--;
      return m;
    }
    while (true) {
      space();
      if (peek() != '"') {
        throw fail("expected a key");
      }
      String k = string();
      space();
      expect(':');
      m.put(k, value());
      space();
      if (peek() == ',') {
        i++;
      } else {
        expect('}');
        depth--;
        return m;
      }
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    enter();
    i++;
    space();
    if (peek() == ']') {
      i++;
      depth--;
      return l;
    }
    while (true) {
      l.add(value());
      space();
      if (peek() == ',') {
        i++;
      } else {
        expect(']');
        depth--;
        return l;
      }
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw fail("nested deeper than " + MAX_DEPTH);
    }
  }

  private String string() {
    StringBuilder b = new StringBuilder();
    i++;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        break;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw fail("truncated \\u escape");
          }
          try {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException x) {
            throw fail("bad \\u escape");
          }
          i += 4;
        }
        default -> b.append(e);
      }
    }
    throw fail("unterminated string");
  }

  private Object word(String w, Object v) {
    if (!s.startsWith(w, i)) {
      throw fail("unexpected character '" + s.charAt(i) + "'");
    }
    i += w.length();
    return v;
  }

  private Double number() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    try {
      return Double.valueOf(s.substring(start, i));
    } catch (NumberFormatException e) {
      i = start;
      throw fail("expected a value");
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw fail("expected '" + c + "'");
    }
    i++;
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private InputException fail(String what) {
    return new InputException("JSON at offset " + i + ": " + what);
  }
}
