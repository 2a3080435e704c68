package dev.whittle.cli;

/**
 * A command that makes one model from another and can be a step of a recipe ({@code whittle
 * pipeline}): its options can be checked on their own, so that a recipe's bad setting is
 * reported before the steps ahead of it run.
 */
interface StepCommand {
  /**
   * Checks and parses the options, reading no file.
   *
   * @throws dev.whittle.InputException naming the option
   */
  void checkOptions();
}
