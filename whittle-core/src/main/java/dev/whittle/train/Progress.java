package dev.whittle.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training progress on stderr: on a terminal, one bar redrawn in place (epoch, batch, loss,
 * accuracy, samples/s, time left); otherwise one line per epoch, so logs stay readable.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final boolean quiet;
  private long lastDraw;
  private final List<EpochStats> epochs = new ArrayList<>();

  public Progress(PrintStream out, boolean terminal, boolean quiet) {
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
  }

  public static Progress stderr() {
    return new Progress(System.err, isTerminal(), false);
  }

  /**
   * Whether the process talks to a terminal. From JDK 22 on, {@code System.console()} exists even
   * when output is redirected, and {@code Console.isTerminal()} tells; it is called reflectively
   * because Whittle compiles for Java 21.
   */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  public static Progress silent() {
    return new Progress(System.err, false, true);
  }

  /** Called after each batch. */
  public void batch(int epoch, int epochs, int done, int total, double loss, double acc,
      double samplesPerSecond, double secondsLeft) {
    if (quiet || !terminal) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 100_000_000L && done < total) {
      return;
    }
    lastDraw = now;
    int width = 24;
    int filled = (int) ((long) width * done / total);
    String bar = "=".repeat(filled) + (filled < width ? ">" : "") + " ".repeat(Math.max(0, width - filled - 1));
    out.print(String.format(Locale.ROOT,
        "\repoch %d/%d [%s] %d/%d loss %.4f%s %,.0f samples/s %s left ",
        epoch, epochs, bar, done, total, loss, accuracy(acc), samplesPerSecond,
        time(secondsLeft)));
    out.flush();
  }

  /** Called after each epoch. */
  public void epoch(int epochs, EpochStats s, double seconds) {
    this.epochs.add(s);
    if (quiet) {
      return;
    }
    String val = Double.isNaN(s.valAccuracy()) ? ""
        : String.format(Locale.ROOT, " val_loss %.4f val_acc %.4f", s.valLoss(), s.valAccuracy());
    out.println(String.format(Locale.ROOT, "%sepoch %d/%d loss %.4f%s%s lr %.4g %.1fs",
        terminal ? "\r" : "", s.epoch() + 1, epochs, s.trainLoss(), accuracy(s.trainAccuracy()),
        val, s.lr(), seconds));
  }

  /**
   * Where a task of several stages is (bench's models, demo's steps): on a terminal one bar
   * redrawn in place with the time left, ended by {@link #endStages}; otherwise a line per stage.
   *
   * @param done stages finished before this one
   * @param secondsLeft the estimated time to the end, or NaN when there is no estimate yet
   */
  public void stage(String task, int done, int total, String what, double secondsLeft) {
    if (quiet) {
      return;
    }
    if (!terminal) {
      out.println(String.format(Locale.ROOT, "%s %d/%d: %s", task, done + 1, total, what));
      return;
    }
    int width = 20;
    int filled = (int) ((long) width * done / Math.max(1, total));
    String bar = "=".repeat(filled) + (filled < width ? ">" : "")
        + " ".repeat(Math.max(0, width - filled - 1));
    String left = Double.isFinite(secondsLeft) ? ", " + time(secondsLeft) + " left" : "";
    out.print(String.format(Locale.ROOT, "\r\033[K%s [%s] %d/%d %s%s", task, bar, done + 1, total,
        what, left));
    out.flush();
  }

  /** Ends the bar of {@link #stage} on a terminal, so the next line starts clean. */
  public void endStages() {
    if (!quiet && terminal) {
      out.print("\r\033[K");
      out.flush();
    }
  }

  /**
   * Every epoch reported so far, by every trainer that reported here, in order: the training
   * curve of a command that fine-tunes in several rounds, for its provenance.
   */
  public List<EpochStats> epochs() {
    return List.copyOf(epochs);
  }

  /**
   * Takes {@code earlier} as the epochs reported so far, as if this run had reported them: a
   * resumed command's epochs from before its checkpoint.
   */
  public void restoreEpochs(List<EpochStats> earlier) {
    epochs.clear();
    epochs.addAll(earlier);
  }

  public void message(String line) {
    if (!quiet) {
      out.println(line);
    }
  }

  /** " acc 0.9876", or nothing when the outputs are not class scores (NaN). */
  private static String accuracy(double acc) {
    return Double.isNaN(acc) ? "" : String.format(Locale.ROOT, " acc %.4f", acc);
  }

  static String time(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
