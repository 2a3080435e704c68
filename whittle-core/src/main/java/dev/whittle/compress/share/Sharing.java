package dev.whittle.compress.share;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Prunable;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import dev.whittle.nn.SharedWeights;
import dev.whittle.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weight sharing of a whole model: each Dense and Conv2d weight matrix (biases are few and stay
 * float, as in the paper) gets its own k-means codebook over its non-zero weights. A weight
 * already shared is clustered again from its current values; pruned weights stay out of every
 * cluster, and a mask stays in front of the codebook.
 */
public final class Sharing {
  private Sharing() {}

  /**
   * What sharing did to one layer.
   *
   * @param k the clusters kept: k-means' non-empty ones, at most 2^bits
   * @param note why the layer got other bits than the default, or null
   */
  public record Layer(String name, int bits, int k, long members, int iterations, String note) {}

  /**
   * Attaches a codebook to every weight matrix of {@code model}.
   *
   * A layer whose bits were not given and which has fewer than {@value #MIN_MEMBERS} non-zero
   * weights per cluster of the default gets the most bits that keeps that many, with a note.
   *
   * @throws InputException naming the layer, when a layer is quantized, has fewer non-zero weights
   *     than the clusters asked for, or {@code spec} names a layer the model lacks
   */
  public static List<Layer> shareInPlace(Model model, ShareSpec spec) {
    Map<String, Parameter> weights = Prunable.weights(model);
    for (String name : spec.overrides().keySet()) {
      if (!weights.containsKey(name)) {
        throw new InputException("--bits names layer '" + name + "', which is not a dense or"
            + " convolution layer of the model (it has " + String.join(", ", weights.keySet())
            + ")");
      }
    }
    Map<String, Integer> bits = new LinkedHashMap<>();
    model.graph().nodes().forEach(n -> {
      if (weights.containsKey(n.name())) {
        bits.put(n.name(), spec.bitsOf(n.name(), n.layer() instanceof Conv2d));
      }
    });
    // Check every layer before changing any.
    Map<String, String> notes = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
      String name = e.getKey();
      long nonZeros = nonZeros(e.getValue());
      int b = bits.get(name);
      if (!spec.given(name) && nonZeros >= 2 && (1L << b) * MIN_MEMBERS > nonZeros) {
        int fit = Math.max(1, 63 - Long.numberOfLeadingZeros(nonZeros / MIN_MEMBERS));
        notes.put(name, name + " has " + nonZeros + " non-zero weights, too few for " + (1 << b)
            + " clusters of " + MIN_MEMBERS + " or more: " + fit + " bits instead of " + b);
        bits.put(name, fit);
      }
      check(name, e.getValue(), bits.get(name), nonZeros);
    }
    List<Layer> out = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
      out.add(share(e.getKey(), e.getValue(), bits.get(e.getKey()), spec.init(),
          Rng.derive(spec.seed(), index++), notes.get(e.getKey())));
    }
    return out;
  }

  /**
   * Fewest members a centroid has on average when a layer's bits are the default: a codebook of
   * centroids with one or two members each stores more than it shares (conv1 of LeNet-5 keeps
   * about 400 weights, which 8 bits would give 256 centroids).
   */
  static final int MIN_MEMBERS = 4;

  /** Fewest members a bias centroid has on average: below that, fewer bits. */
  static final int MIN_BIAS_MEMBERS = 4;

  /** Fewest bits a shared bias gets; a bias that would need fewer stays float. */
  static final int MIN_BIAS_BITS = 3;

  /** Fewest bytes sharing a bias must save. */
  static final int MIN_BIAS_SAVING = 64;

  /**
   * Shares each shared layer's bias too, beyond the paper (whose compression rates count weights
   * only, while a file's ratio counts every parameter): at the bits its weights got, lowered until
   * every centroid has at least {@value #MIN_BIAS_MEMBERS} members on average but not below
   * {@value #MIN_BIAS_BITS} bits, and only where the codebook (centroids, then packed indices)
   * saves at least {@value #MIN_BIAS_SAVING} bytes over the float32 bias. A bias left float gets
   * a note saying why.
   *
   * @param weights what {@link #shareInPlace} did to each layer's weights
   */
  public static List<Layer> shareBiases(Model model, List<Layer> weights, long seed) {
    Map<String, Integer> bitsOf = new LinkedHashMap<>();
    weights.forEach(l -> bitsOf.put(l.name(), l.bits()));
    List<Layer> out = new ArrayList<>();
    int index = 0;
    for (var n : model.graph().nodes()) {
      Parameter b = n.layer() instanceof dev.whittle.nn.Dense d ? d.bias()
          : n.layer() instanceof Conv2d c ? c.bias() : null;
      Integer wb = bitsOf.get(n.name());
      if (b == null || wb == null) {
        continue;
      }
      String name = n.name() + ".bias";
      long nz = nonZeros(b);
      int bits = wb;
      while (bits > 1 && (1L << bits) * MIN_BIAS_MEMBERS > nz) {
        bits--;
      }
      long shared = 4L * (1L << bits) + (nz * bits + 7) / 8;
      if (bits < MIN_BIAS_BITS || (1L << bits) * MIN_BIAS_MEMBERS > nz
          || shared + MIN_BIAS_SAVING > 4L * b.size()) {
        out.add(new Layer(name, 0, 0, nz, 0, name + " stays float: " + nz
            + " values, too few to share"));
        continue;
      }
      check(name, b, bits, nz);
      out.add(share(name, b, bits, KMeans.Init.LINEAR, Rng.derive(seed, 1000 + index++), null));
    }
    return out;
  }

  private static long nonZeros(Parameter p) {
    long n = 0;
    for (float v : p.value().data()) {
      if (v != 0f) {
        n++;
      }
    }
    return n;
  }

  private static void check(String layer, Parameter p, int bits, long nonZeros) {
    for (Constraint c : p.constraints()) {
      if (c instanceof QuantizedWeights q) {
        throw new InputException("layer " + layer + ": cannot share weights in " + bits
            + " bits after " + q.bits() + "-bit quantization; share the float model");
      }
    }
    long k = 1L << bits;
    if (k > nonZeros) {
      String hint = nonZeros < 2 ? "" : "; give it fewer bits (--bits " + layer + "="
          + (63 - Long.numberOfLeadingZeros(nonZeros)) + ")";
      throw new InputException("layer " + layer + ": " + k + " clusters (" + bits + " bits) but"
          + " only " + nonZeros + " non-zero weights" + hint);
    }
  }

  private static Layer share(String name, Parameter p, int bits, KMeans.Init init, long seed,
      String note) {
    List<Constraint> others = p.constraints().stream()
        .filter(c -> !(c instanceof SharedWeights)).toList();
    float[] w = p.value().data().clone();
    p.clearConstraints();
    others.forEach(p::addConstraint);
    int nz = 0;
    for (float v : w) {
      if (v != 0f) {
        nz++;
      }
    }
    float[] values = new float[nz];
    int j = 0;
    for (float v : w) {
      if (v != 0f) {
        values[j++] = v;
      }
    }
    KMeans.Result r = KMeans.cluster(values, 1 << bits, init, seed);
    // A cluster left empty by k-means never gains a member (fine-tuning moves centroids, not
    // assignments): drop it, so the file does not store its centroid.
    int[] renumber = new int[r.centroids().length];
    java.util.Arrays.fill(renumber, -1);
    for (int c : r.clusters()) {
      renumber[c] = 0;
    }
    int k = 0;
    float[] used = new float[renumber.length];
    for (int c = 0; c < renumber.length; c++) {
      if (renumber[c] == 0) {
        used[k] = r.centroids()[c];
        renumber[c] = k++;
      }
    }
    int[] clusters = new int[w.length];
    j = 0;
    for (int i = 0; i < w.length; i++) {
      clusters[i] = w[i] != 0f ? renumber[r.clusters()[j++]] : -1;
    }
    p.addConstraint(new Codebook(bits, init.label(), java.util.Arrays.copyOf(used, k), clusters));
    return new Layer(name, bits, k, nz, r.iterations(), note);
  }

  /** The codebook on a parameter, or null. */
  public static Codebook codebookOf(Parameter p) {
    return p.constraint(Codebook.class);
  }
}
