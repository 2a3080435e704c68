package dev.whittle.train;

/** One epoch of a training curve; validation fields are NaN without a validation split. */
public record EpochStats(
    int epoch, double lr, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy) {

  public String toJson() {
    return "{\"epoch\":" + epoch + ",\"lr\":" + num(lr) + ",\"train_loss\":" + num(trainLoss)
        + ",\"train_accuracy\":" + num(trainAccuracy) + ",\"val_loss\":" + num(valLoss)
        + ",\"val_accuracy\":" + num(valAccuracy) + "}";
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }
}
