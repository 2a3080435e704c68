package dev.whittle.train;

/** One epoch of a training curve; validation fields are NaN without a validation split. */
public record EpochStats(
    int epoch, double lr, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy) {

  public String toJson() {
    return "{\"epoch\":" + epoch + ",\"lr\":" + num(lr) + ",\"train_loss\":" + num(trainLoss)
        + ",\"train_accuracy\":" + num(trainAccuracy) + ",\"val_loss\":" + num(valLoss)
        + ",\"val_accuracy\":" + num(valAccuracy) + "}";
  }

  /**
   * Six significant digits: a curve is for reading and plotting, and full doubles would make it
   * most of a compressed model's provenance.
   */
  private static String num(double v) {
    if (!Double.isFinite(v)) {
      return "null";
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros()
        .toPlainString();
  }
}
