package dev.whittle.io;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The content of a {@code .wtl} file: a neutral container the model layer maps its networks to
 * and from. All lists are immutable copies; {@code provenance} keeps insertion order (the file
 * stores it in that order).
 *
 * @param nodes the graph, in file order
 * @param tensors the parameters; names unique
 * @param constraints constraints on parameters
 * @param state training state such as optimizer buffers (checkpoints only; usually empty); names
 *     unique among themselves
 * @param provenance where the model came from and what was done to it; values may be JSON text
 */
public record WtlModel(
    List<NodeRecord> nodes,
    List<TensorRecord> tensors,
    List<ConstraintRecord> constraints,
    List<TensorRecord> state,
    Map<String, String> provenance) {
  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on a repeated tensor name (in {@code tensors} or in {@code
   *     state}) or an empty provenance key
   * @throws NullPointerException on a null list, element, key or value
   */
  public WtlModel {
    nodes = List.copyOf(nodes);
    tensors = List.copyOf(tensors);
    constraints = List.copyOf(constraints);
    state = List.copyOf(state);
    Objects.requireNonNull(provenance, "provenance");
    LinkedHashMap<String, String> prov = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : provenance.entrySet()) {
      String k = Objects.requireNonNull(e.getKey(), "provenance key");
      String v = Objects.requireNonNull(e.getValue(), "provenance value");
      if (k.isEmpty()) {
        throw new IllegalArgumentException("provenance key is empty");
      }
      prov.put(k, v);
    }
    provenance = Collections.unmodifiableMap(prov);
    requireUniqueNames(tensors, "tensor");
    requireUniqueNames(state, "state tensor");
  }

  /** A model without training state. */
  public WtlModel(
      List<NodeRecord> nodes,
      List<TensorRecord> tensors,
      List<ConstraintRecord> constraints,
      Map<String, String> provenance) {
    this(nodes, tensors, constraints, List.of(), provenance);
  }

  /** The parameter tensor called {@code name}, if any. */
  public Optional<TensorRecord> findTensor(String name) {
    for (TensorRecord t : tensors) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  static void requireUniqueNames(List<TensorRecord> tensors, String what) {
    Set<String> seen = new HashSet<>();
    for (TensorRecord t : tensors) {
      if (!seen.add(t.name())) {
        throw new IllegalArgumentException(what + " " + WtlFormat.quote(t.name()) + " appears twice");
      }
    }
  }
}
