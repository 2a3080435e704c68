package dev.whittle.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: the first column left-aligned, the others right-aligned. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = cells[i] == null ? "-" : cells[i].toString();
    }
    rows.add(r);
    return this;
  }

  void print(PrintStream out) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (int ri = 0; ri < rows.size(); ri++) {
      String[] r = rows.get(ri);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String pad = " ".repeat(w[i] - r[i].length());
        b.append(i == 0 ? r[i] + pad : "  " + pad + r[i]);
      }
      out.println(b.toString().stripTrailing());
      if (ri == 0) {
        int total = 0;
        for (int x : w) {
          total += x;
        }
        out.println("-".repeat(total + 2 * (cols - 1)));
      }
    }
  }
}
