package dev.whittle.io;

import java.util.List;
import java.util.Objects;

/**
 * A constraint on one parameter, as stored: for example a pruning mask or a quantization grid
 * that training must keep. This package attaches no meaning to {@code kind} or the attributes.
 *
 * <p>If {@code attrs} has no {@link Attrs#where() where} yet, the stored attributes get {@code
 * constraint 'kind' on 'parameter'}.
 *
 * @param parameter the name of the constrained tensor; non-empty
 * @param kind non-empty, for example {@code mask}
 * @param attrs the constraint's settings
 * @param tensors the constraint's own tensors (a mask, a codebook); names unique within the list
 */
public record ConstraintRecord(
    String parameter, String kind, Attrs attrs, List<TensorRecord> tensors) {
  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on an empty parameter or kind or a repeated tensor name
   */
  public ConstraintRecord {
    Objects.requireNonNull(parameter, "parameter");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(attrs, "attrs");
    if (parameter.isEmpty()) {
      throw new IllegalArgumentException("constraint parameter name is empty");
    }
    if (kind.isEmpty()) {
      throw new IllegalArgumentException(
          "constraint on " + WtlFormat.quote(parameter) + " has an empty kind");
    }
    tensors = List.copyOf(tensors);
    String where = "constraint " + WtlFormat.quote(kind) + " on " + WtlFormat.quote(parameter);
    WtlModel.requireUniqueNames(tensors, where + ": tensor");
    if (attrs.where().isEmpty()) {
      attrs = attrs.at(where);
    }
  }

  /** A constraint without tensors. */
  public ConstraintRecord(String parameter, String kind, Attrs attrs) {
    this(parameter, kind, attrs, List.of());
  }
}
