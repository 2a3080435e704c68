package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import dev.whittle.train.Checkpoint;
import dev.whittle.train.EpochStats;
import dev.whittle.train.Fitting;
import dev.whittle.train.Progress;
import dev.whittle.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training runs of one command, numbered in the order the command makes them (its stages:
 * an L1 phase, then one fine-tuning per pruning round, ...), with a {@link Checkpoint} after
 * every epoch that records the stage. After a crash the same command with {@code --resume}
 * repeats its deterministic work, skips the stages that had finished, restores the checkpoint's
 * model, optimizer and curve at the stage it was written in and continues from there, so it ends
 * with the weights of an uninterrupted run. What a command does between stages (a pruning round)
 * is repeated on the unrestored model and then replaced by the restored one, so it must depend
 * on nothing but the model and the command's arguments.
 */
final class ResumableFits implements Fitting {
  private final Path file;
  private final Progress progress;
  private Checkpoint.Loaded saved; // null: nothing to resume, or already resumed
  private int stage;

  ResumableFits(Path file, boolean resume, Progress progress) {
    this.file = file;
    this.progress = progress;
    if (resume) {
      if (!Files.isRegularFile(file)) {
        throw new InputException("--resume: no checkpoint at " + file);
      }
      saved = Checkpoint.load(file);
    }
  }

  @Override
  public Trainer.Result fit(Trainer trainer, Model model, Dataset data) {
    int s = stage++;
    if (saved != null && s < saved.stage()) {
      return new Trainer.Result(List.of(), 0, false); // finished before the crash
    }
    List<EpochStats> before = progress.epochs(); // the command's earlier training runs
    if (saved != null) {
      Checkpoint.Loaded c = saved;
      saved = null;
      model.restoreInPlace(c.model());
      trainer.optimizer().loadState(c.optimizerState());
      trainer.earlyStop().restore(c.best(), c.bad(), c.bestWeights());
      trainer.resumeAt(c.epochsDone(), c.curve());
      // The command's curve goes on as if uninterrupted: its earlier runs' epochs, then this
      // run's so far.
      before = c.before();
      List<EpochStats> all = new ArrayList<>(before);
      all.addAll(c.curve());
      progress.restoreEpochs(all);
      progress.message("resuming from " + file.getFileName() + " after epoch " + c.epochsDone()
          + (s > 0 ? " of training run " + (s + 1) : ""));
    }
    List<EpochStats> earlier = before;
    trainer.onEpoch((epoch, opt, curve, stop) ->
        Checkpoint.save(file, model, s, epoch + 1, opt, curve, stop, earlier));
    return trainer.fit(model, data);
  }

  /**
   * Call once the output is saved: removes the checkpoint.
   *
   * @throws InputException if the checkpoint was from a stage this command never reached (it
   *     was written by another command)
   */
  void finish() {
    if (saved != null) {
      throw new InputException(file + ": the checkpoint is from training run " + (saved.stage() + 1)
          + ", but this command trains " + stage + " times; was it written by another command?");
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      progress.message("could not remove the checkpoint " + file + ": " + e.getMessage());
    }
  }
}
