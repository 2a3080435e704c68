package dev.whittle.eval.report;

/** One color per model, the same in every chart (Tableau 10, distinct and colorblind-aware). */
final class Palette {
  private static final String[] COLORS = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
  };

  private Palette() {}

  static String of(int model) {
    return COLORS[model % COLORS.length];
  }
}
