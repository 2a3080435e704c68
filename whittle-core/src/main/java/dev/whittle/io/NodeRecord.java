package dev.whittle.io;

import java.util.List;
import java.util.Objects;

/**
 * One node of the model graph as stored. This package attaches no meaning to {@code kind},
 * {@code inputs} or the attributes; the model layer does.
 *
 * <p>If {@code attrs} has no {@link Attrs#where() where} yet, the stored attributes get {@code
 * node 'name'} so that their error messages say which node they belong to.
 *
 * @param name non-empty
 * @param kind non-empty, for example {@code dense}
 * @param inputs names of the nodes (or graph inputs) feeding this one, in order; no nulls
 * @param attrs the node's settings
 */
public record NodeRecord(String name, String kind, List<String> inputs, Attrs attrs) {
  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on an empty name or kind
   */
  public NodeRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(attrs, "attrs");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("node name is empty");
    }
    if (kind.isEmpty()) {
      throw new IllegalArgumentException("node " + WtlFormat.quote(name) + " has an empty kind");
    }
    inputs = List.copyOf(inputs);
    if (attrs.where().isEmpty()) {
      attrs = attrs.at("node " + WtlFormat.quote(name));
    }
  }

  /** A node without attributes. */
  public NodeRecord(String name, String kind, List<String> inputs) {
    this(name, kind, inputs, Attrs.empty());
  }
}
