package dev.whittle.compress.distill;

import dev.whittle.InputException;

/**
 * A FitNets hint (Romero et al. 2015): before distillation, the student's layers up to {@code
 * studentLayer} train for {@code epochs} to reproduce the teacher's output at {@code
 * teacherLayer}, through a linear regressor when the two layers are flat and of different widths.
 */
public record Hint(String teacherLayer, String studentLayer, int epochs) {
  public Hint {
    if (teacherLayer.isEmpty() || studentLayer.isEmpty()) {
      throw new InputException("--hint: expected TEACHER_LAYER or TEACHER_LAYER:STUDENT_LAYER");
    }
    if (epochs < 1) {
      throw new InputException("--hint-epochs must be at least 1, got " + epochs);
    }
  }

  /** {@code fc2} (the same name in both) or {@code fc2:fc1} (teacher's, then student's). */
  public static Hint parse(String spec, int epochs) {
    String[] parts = spec.split(":", -1);
    if (parts.length > 2) {
      throw new InputException("--hint: expected TEACHER_LAYER or TEACHER_LAYER:STUDENT_LAYER, got '"
          + spec + "'");
    }
    return new Hint(parts[0], parts.length == 2 ? parts[1] : parts[0], epochs);
  }
}
