package dev.whittle.train;

import dev.whittle.InputException;

/** The loss became NaN or infinite; the settings (usually the learning rate) are at fault. */
public final class TrainingDivergedException extends InputException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
