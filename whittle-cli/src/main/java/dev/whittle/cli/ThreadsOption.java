package dev.whittle.cli;

import dev.whittle.kernel.Parallel;
import picocli.CommandLine.Option;

/** {@code --threads N}, shared by every command that computes. */
final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N", description = "threads (default: all cores)")
  Integer threads;

  /** Sets the kernels' thread count when the flag was given. */
  void apply() {
    if (threads != null) {
      Parallel.setThreads(Cli.positive("--threads", threads));
    }
  }
}
