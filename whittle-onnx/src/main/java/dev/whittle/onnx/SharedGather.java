package dev.whittle.onnx;

import static dev.whittle.onnx.ExportGraph.attr;

import dev.whittle.nn.Parameter;
import dev.whittle.nn.SharedWeights;
import java.util.List;

/**
 * {@link WeightForm#GATHER}: a weight whose last constraint is a {@link SharedWeights} codebook is
 * written as Deep Compression stores it in memory, one small index per weight and the centroids:
 *
 * <pre>
 *   fc1.weight_codebook  float (k + 1)   the k centroids, then 0 for pruned weights
 *   fc1.weight_indices   uint8 (out, in) the centroid of each weight (uint16 above 255 entries)
 *   fc1.weight = Gather(fc1.weight_codebook, Cast(fc1.weight_indices, to=int32), axis=0)
 * </pre>
 *
 * Gather takes int32 or int64 indices only, so the stored uint8 indices are cast first; the file
 * then holds one byte per weight instead of four. Gather copies the centroids' bits, so the
 * weight ONNX Runtime sees is the one Whittle's forward pass sees, exactly; the form is checked
 * element by element, and anything it would not reproduce is written as float32.
 */
final class SharedGather {
  private SharedGather() {}

  static String emit(ExportGraph g, String name, Parameter p) {
    SharedWeights s = shared(p);
    int[] dims = p.value().shape();
    if (s == null) {
      return WeightForm.DENSE_F32.emit(g, name, p);
    }
    float[] v = p.value().data();
    float[] centroids = s.centroids();
    int[] clusters = s.clusters();
    int k = centroids.length;
    if (clusters.length != v.length || k + 1 > 65_536) {
      return WeightForm.DENSE_F32.emit(g, name, p);
    }
    float[] book = java.util.Arrays.copyOf(centroids, k + 1); // the last entry is 0
    boolean wide = k + 1 > 256;
    byte[] idx = new byte[v.length * (wide ? 2 : 1)];
    for (int i = 0; i < v.length; i++) {
      int c = clusters[i] >= 0 ? clusters[i] : k;
      if (c > k || Float.floatToRawIntBits(book[c]) != Float.floatToRawIntBits(v[i])) {
        return WeightForm.DENSE_F32.emit(g, name, p);
      }
      if (wide) {
        idx[2 * i] = (byte) c; // little-endian, as raw_data is
        idx[2 * i + 1] = (byte) (c >>> 8);
      } else {
        idx[i] = (byte) c;
      }
    }
    String bookName = g.floats(name + "_codebook", new int[] {k + 1}, book);
    String idxName = g.raw(name + "_indices", wide ? DataTypes.UINT16 : DataTypes.UINT8, dims,
        idx);
    String wide32 = g.fresh(name + "_indices_int32");
    g.node("Cast", wide32, List.of(idxName), List.of(wide32), attr("to", (long) DataTypes.INT32));
    String out = g.fresh(name);
    g.node("Gather", out, List.of(bookName, wide32), List.of(out), attr("axis", 0L));
    return out;
  }

  /** The parameter's codebook: its last {@link SharedWeights} constraint, or null. */
  static SharedWeights shared(Parameter p) {
    return p.constraint(SharedWeights.class);
  }
}
