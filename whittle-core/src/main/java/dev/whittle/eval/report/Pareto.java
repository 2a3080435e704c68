package dev.whittle.eval.report;

/** The Pareto front of models traded off on a cost (lower is better) and accuracy (higher). */
final class Pareto {
  private Pareto() {}

  /**
   * Which points no other point dominates: none is at most as costly and at least as accurate,
   * and better on one of the two. NaN points are never on the front.
   */
  static boolean[] front(double[] cost, double[] accuracy) {
    int n = cost.length;
    boolean[] on = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(cost[i]) || Double.isNaN(accuracy[i])) {
        continue;
      }
      on[i] = true;
      for (int j = 0; j < n && on[i]; j++) {
        if (j == i || Double.isNaN(cost[j]) || Double.isNaN(accuracy[j])) {
          continue;
        }
        boolean noWorse = cost[j] <= cost[i] && accuracy[j] >= accuracy[i];
        boolean better = cost[j] < cost[i] || accuracy[j] > accuracy[i];
        on[i] = !(noWorse && better);
      }
    }
    return on;
  }
}
