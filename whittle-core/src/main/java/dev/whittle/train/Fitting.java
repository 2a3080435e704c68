package dev.whittle.train;

import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;

/**
 * How a technique runs its training: {@link #direct()} calls {@link Trainer#fit}; a command that
 * checkpoints passes one that saves after every epoch and, on resume, skips or continues the runs
 * an interrupted process had done.
 */
@FunctionalInterface
public interface Fitting {
  Trainer.Result fit(Trainer trainer, Model model, Dataset data);

  /** Trains, nothing more. */
  static Fitting direct() {
    return Trainer::fitDirect;
  }
}
