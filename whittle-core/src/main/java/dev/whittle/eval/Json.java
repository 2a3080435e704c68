package dev.whittle.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes JSON text from maps, lists, strings, numbers and booleans. Maps keep their order, so
 * output is deterministic; null values and non-finite numbers are omitted from objects (a field
 * that does not apply is left out, never faked).
 */
public final class Json {
  private Json() {}

  public static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, 0, true);
    return b.append('\n').toString();
  }

  /** One line, no indentation. */
  public static String compact(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, 0, false);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, int indent, boolean pretty) {
    switch (v) {
      case null -> b.append("null");
      case String s -> string(b, s);
      case Boolean bool -> b.append(bool);
      case Double d -> b.append(Double.isFinite(d) ? number(d) : "null");
      case Float f -> b.append(Float.isFinite(f) ? number(f.doubleValue()) : "null");
      case Number n -> b.append(n.longValue());
      case Map<?, ?> m -> {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (omitted(e.getValue())) {
            continue;
          }
          b.append(first ? "" : ",");
          newline(b, indent + 1, pretty);
          string(b, e.getKey().toString());
          b.append(pretty ? ": " : ":");
          write(b, e.getValue(), indent + 1, pretty);
          first = false;
        }
        if (!first) {
          newline(b, indent, pretty);
        }
        b.append('}');
      }
      case List<?> l -> {
        b.append('[');
        for (int i = 0; i < l.size(); i++) {
          b.append(i == 0 ? "" : ",");
          newline(b, indent + 1, pretty);
          write(b, l.get(i), indent + 1, pretty);
        }
        if (!l.isEmpty()) {
          newline(b, indent, pretty);
        }
        b.append(']');
      }
      default -> string(b, v.toString());
    }
  }

  private static boolean omitted(Object v) {
    return v == null
        || (v instanceof Double d && !Double.isFinite(d))
        || (v instanceof Float f && !Float.isFinite(f));
  }

  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
        .replace(".e", "e").replaceAll("\\.$", "");
  }

  private static void newline(StringBuilder b, int indent, boolean pretty) {
    if (pretty) {
      b.append('\n').append("  ".repeat(indent));
    }
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
