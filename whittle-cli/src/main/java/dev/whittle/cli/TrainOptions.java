package dev.whittle.cli;

import dev.whittle.train.TrainConfig;
import picocli.CommandLine.Option;

/** The training settings, shared by every command that trains or fine-tunes. */
final class TrainOptions {
  @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
      description = "samples per step (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "nesterov",
      description = "sgd, nesterov, adam or adamw (default: ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.05",
      description = "base learning rate (default: ${DEFAULT-VALUE}; use about 0.001 with adam)")
  double lr;

  @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
      description = "momentum for sgd and nesterov (default: ${DEFAULT-VALUE})")
  double momentum;

  @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "1e-4",
      description = "weight decay (decoupled for adamw) (default: ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(names = "--l1", paramLabel = "LAMBDA", defaultValue = "0",
      description = "L1 penalty on weights: lambda * sum |w|")
  double l1;

  @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0",
      description = "L2 penalty on weights: lambda * sum w^2")
  double l2;

  @Option(names = "--schedule", paramLabel = "S", defaultValue = "cosine",
      description = "constant, cosine or step:EVERY:GAMMA (default: ${DEFAULT-VALUE})")
  String schedule;

  @Option(names = "--warmup", paramLabel = "EPOCHS", defaultValue = "0.3",
      description = "linear learning-rate warm-up, in epochs (default: ${DEFAULT-VALUE})")
  double warmup;

  @Option(names = "--validation", paramLabel = "FRACTION", defaultValue = "0",
      description = "hold out this fraction of the training set for validation")
  double validation;

  @Option(names = "--patience", paramLabel = "EPOCHS", defaultValue = "0",
      description = "stop after this many epochs without a better validation loss and keep the"
          + " best weights (needs --validation)")
  int patience;

  @Option(names = "--loss", paramLabel = "NAME", defaultValue = "cross-entropy",
      description = "cross-entropy or mse (default: ${DEFAULT-VALUE})")
  String loss;

  TrainConfig toConfig(int epochs, long seed) {
    return new TrainConfig(epochs, batch, optimizer, lr, momentum, weightDecay, l1, l2, schedule,
        warmup, validation, patience, seed, loss);
  }
}
