package dev.whittle.cli;

import dev.whittle.InputException;

/** Checks of flag values that picocli's types do not cover. */
final class Cli {
  private Cli() {}

  static int positive(String flag, int value) {
    if (value < 1) {
      throw new InputException(flag + " must be at least 1, got " + value);
    }
    return value;
  }
}
