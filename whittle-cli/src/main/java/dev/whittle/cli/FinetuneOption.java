package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import picocli.CommandLine.Option;

/**
 * {@code --finetune-epochs}, shared by the commands that fine-tune after their technique (prune,
 * share, lowrank), with the fine-tuning run itself.
 */
final class FinetuneOption {
  @Option(names = "--finetune-epochs", paramLabel = "N", defaultValue = "2",
      description = "epochs of fine-tuning (an iterative pruning schedule splits them across its"
          + " rounds) (default: ${DEFAULT-VALUE})")
  int epochs;

  /** The fine-tuning run's defaults, which {@link TrainOptions} override; checks the epochs. */
  TrainConfig defaults(long seed) {
    if (epochs < 0) {
      throw new InputException("--finetune-epochs must be at least 0, got " + epochs);
    }
    return TrainConfig.finetuneDefaults(epochs, seed);
  }

  /** Fine-tunes {@code model} in place with {@code config} for the epochs; its seconds. */
  double fit(ResumableFits fits, TrainConfig config, Progress progress, Model model,
      Dataset data) {
    if (epochs < 1) {
      return 0;
    }
    return fits.fit(new Trainer(config.withEpochs(epochs), progress), model, data).seconds();
  }
}
