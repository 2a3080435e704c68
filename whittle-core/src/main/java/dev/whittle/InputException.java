package dev.whittle;

/**
 * A user's mistake: a bad file, field, flag or value. The message is one line that names the
 * thing, the value found and what was expected, for example {@code --sparsity must be in [0,
 * 1), got 1.2}. The command line prints only the message and exits with code 2; anything else
 * thrown is an internal failure (exit code 1).
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
