package dev.whittle.nn;

/**
 * A constraint whose projected weights are entries of a small table (weight sharing, Han et al.
 * 2016, section 3): each weight is an index into {@link #centroids()}, or belongs to no cluster
 * and is exactly zero (a pruned weight). The file writer stores the indices packed and
 * entropy-coded with the table beside them; the plan may run a lookup kernel on them.
 */
public interface SharedWeights {
  /** Bits of an index: the table has at most 2^bits entries. */
  int bits();

  /** The shared values, (k); a copy. */
  float[] centroids();

  /** Per weight, its index into {@link #centroids()}, or -1 for a zero weight; a copy. */
  int[] clusters();
}
