package dev.whittle.cli;

import dev.whittle.train.TrainConfig;
import picocli.CommandLine.Option;

/**
 * The training settings, shared by every command that trains or fine-tunes. A setting not given
 * takes the command's default: {@link TrainConfig#defaults} for training from scratch, {@link
 * TrainConfig#finetuneDefaults} for fine-tuning after compression.
 */
final class TrainOptions {
  @Option(names = "--batch", paramLabel = "N", description = "samples per step (default: 64)")
  Integer batch;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "sgd, nesterov, adam or adamw (default: nesterov)")
  String optimizer;

  @Option(names = "--lr", paramLabel = "RATE",
      description = "base learning rate (default: 0.05 to train, 0.01 to fine-tune; about 0.001"
          + " suits adam)")
  Double lr;

  @Option(names = "--momentum", paramLabel = "M",
      description = "momentum for sgd and nesterov (default: 0.9)")
  Double momentum;

  @Option(names = "--weight-decay", paramLabel = "WD",
      description = "weight decay, decoupled for adamw (default: 1e-4)")
  Double weightDecay;

  @Option(names = "--l1", paramLabel = "LAMBDA", description = "L1 penalty on weights: lambda * sum |w|")
  Double l1;

  @Option(names = "--l2", paramLabel = "LAMBDA", description = "L2 penalty on weights: lambda * sum w^2")
  Double l2;

  @Option(names = "--lr-schedule", paramLabel = "S",
      description = "constant, cosine or step:EVERY:GAMMA (default: cosine)")
  String schedule;

  @Option(names = "--warmup", paramLabel = "EPOCHS",
      description = "linear learning-rate warm-up in epochs (default: 0.3 to train, 0 to fine-tune)")
  Double warmup;

  @Option(names = "--validation", paramLabel = "FRACTION",
      description = "hold out this fraction of the training set for validation")
  Double validation;

  @Option(names = "--patience", paramLabel = "EPOCHS",
      description = "stop after this many epochs without a better validation loss and keep the"
          + " best weights (needs --validation)")
  Integer patience;

  @Option(names = "--loss", paramLabel = "NAME", description = "cross-entropy or mse (default: cross-entropy)")
  String loss;

  /** The given settings over {@code base}. */
  TrainConfig over(TrainConfig base) {
    return new TrainConfig(base.epochs(), or(batch, base.batchSize()), or(optimizer, base.optimizer()),
        or(lr, base.lr()), or(momentum, base.momentum()), or(weightDecay, base.weightDecay()),
        or(l1, base.l1()), or(l2, base.l2()), or(schedule, base.schedule()),
        or(warmup, base.warmupEpochs()), or(validation, base.validation()),
        or(patience, base.patience()), base.seed(), or(loss, base.loss()));
  }

  private static <T> T or(T given, T base) {
    return given != null ? given : base;
  }
}
