package dev.whittle.cli;

import dev.whittle.train.Progress;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --resume} and {@code --checkpoint}, shared by every command that trains: a checkpoint
 * after every epoch ({@code OUT.ckpt} unless named, removed once the output is saved), and the
 * same command with {@code --resume} continuing from it.
 */
final class ResumeOption {
  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "checkpoint written after every epoch (default: OUT.ckpt, removed at the end)")
  Path checkpoint;

  @Option(names = "--resume", description = "continue from the checkpoint of an interrupted run")
  boolean resume;

  /** The checkpoint file for output {@code out}, checked like an output. */
  Path file(Path out) {
    Path f = checkpoint != null ? checkpoint : TrainingSession.checkpointFor(out);
    Outputs.checkModelOut(f);
    return f;
  }

  /** The training runs of a command writing {@code out}. */
  ResumableFits fits(Path out, Progress progress) {
    return new ResumableFits(file(out), resume, progress);
  }
}
