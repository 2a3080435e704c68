package dev.whittle.eval.report;

import java.util.Locale;

/** Escaping and number formatting for the report's HTML and SVG. */
public final class Html {
  private Html() {}

  /** Text safe in an element's content and in a quoted attribute value. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // Control characters other than tab and newline are not allowed in HTML text.
          if (c < 0x20 && c != '\t' && c != '\n') {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }

  /** A pixel coordinate: two decimals are plenty, and keep the file small. */
  static String px(double v) {
    return fmt("%.2f", v);
  }

  static String bytes(double b) {
    if (b < 10_000) {
      return fmt("%.0f B", b);
    }
    if (b < 10_000_000) {
      return fmt("%.1f KB", b / 1e3);
    }
    return fmt("%.1f MB", b / 1e6);
  }

  static String count(long n) {
    return fmt("%,d", n);
  }

  /** Short numbers for axis ticks: 0.001, 25, 1.5k, 2M. */
  static String shortNumber(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return trim(fmt("%.1f", v / 1e6)) + "M";
    }
    if (a >= 1e4) {
      return trim(fmt("%.1f", v / 1e3)) + "k";
    }
    if (a == 0 || a >= 1) {
      return trim(fmt("%.2f", v));
    }
    return trim(fmt("%.3g", v));
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
