package dev.whittle.eval.report;

/**
 * One color per model, the same in every chart: Tableau 10 (distinct, colorblind-aware), then
 * its lighter partners of Tableau 20, so that 20 models never share a color.
 */
final class Palette {
  private static final String[] COLORS = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894",
    "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8", "#79706e"
  };

  private Palette() {}

  static String of(int model) {
    return COLORS[model % COLORS.length];
  }
}
