package dev.whittle.train;

import dev.whittle.InputException;

/**
 * Everything that decides a training run. The defaults ({@link #defaults}) are SGD with Nesterov
 * momentum 0.9, learning rate 0.05 on a cosine schedule after a linear warm-up over the first 0.3
 * epochs, batch 64, weight decay 1e-4: a recipe
 * that reaches the LeNet results of Han et al. within 10 epochs. Messages name the command-line
 * flag of the setting at fault.
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    String optimizer,
    double lr,
    double momentum,
    double weightDecay,
    double l1,
    double l2,
    String schedule,
    double warmupEpochs,
    double validation,
    int patience,
    long seed,
    String loss) {

  public TrainConfig {
    if (epochs < 1) {
      throw new InputException("--epochs must be at least 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new InputException("--batch must be at least 1, got " + batchSize);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new InputException("--lr must be a positive number, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new InputException("--momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0) || !(l1 >= 0) || !(l2 >= 0)) {
      throw new InputException("--weight-decay, --l1 and --l2 must be at least 0");
    }
    if (!(warmupEpochs >= 0)) {
      throw new InputException("--warmup must be at least 0 epochs, got " + warmupEpochs);
    }
    if (!(validation >= 0 && validation < 1)) {
      throw new InputException("--validation must be in [0, 1), got " + validation);
    }
    if (patience < 0) {
      throw new InputException("--patience must be at least 0, got " + patience);
    }
    if (patience > 0 && validation == 0) {
      throw new InputException("--patience needs a validation split: give --validation, such as 0.1");
    }
    Schedule.parse(schedule);
    Loss.named(loss);
    Optimizer.named(optimizer, momentum, weightDecay);
  }

  public static TrainConfig defaults(int epochs, long seed) {
    return new TrainConfig(epochs, 64, "nesterov", 0.05, 0.9, 1e-4, 0, 0, "cosine", 0.3, 0, 0, seed,
        "cross-entropy");
  }

  /**
   * Fine-tuning after compression: the training defaults with a learning rate of 0.01 and no
   * warm-up (Han et al. 2015 retrain at a tenth of the original rate).
   */
  public static TrainConfig finetuneDefaults(int epochs, long seed) {
    return new TrainConfig(Math.max(1, epochs), 64, "nesterov", 0.01, 0.9, 1e-4, 0, 0, "cosine",
        0, 0, 0, seed, "cross-entropy");
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(e, batchSize, optimizer, lr, momentum, weightDecay, l1, l2, schedule,
        warmupEpochs, validation, patience, seed, loss);
  }

  public TrainConfig withLr(double r) {
    return new TrainConfig(epochs, batchSize, optimizer, r, momentum, weightDecay, l1, l2, schedule,
        warmupEpochs, validation, patience, seed, loss);
  }
}
