package dev.whittle.compress.distill;

import dev.whittle.InputException;
import java.util.Locale;

/** What the student learns from the teacher. */
public enum DistillMode {
  /** The teacher's argmax as labels, with cross-entropy. */
  HARD,
  /** Hinton's soft targets at temperature T, mixed with the true labels by alpha. */
  SOFT,
  /** Soft targets alone (alpha 1): no label is read. */
  UNLABELED;

  /** The name on the command line. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DistillMode parse(String s) {
    for (DistillMode m : values()) {
      if (m.flag().equals(s)) {
        return m;
      }
    }
    throw new InputException("--mode must be hard, soft or unlabeled, got '" + s + "'");
  }
}
