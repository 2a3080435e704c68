package dev.whittle.kernel;

import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products on shared weights kept as one-byte indices into a small table (weight
 * sharing, Han et al. 2016): W[o][i] = table[idx[o * in + i]]. The vector kernel holds a table of
 * up to {@link #VECTOR_TABLE} entries in four registers and looks eight weights up at once with
 * lane permutes, so it reads a quarter of the bytes a float32 matrix takes; {@link
 * #gemvReference} is its plain twin. The products are summed in a different order than the
 * reference, so results differ by rounding only.
 */
public final class CodebookKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private static final int L = 8;

  /** The largest table the vector kernel takes: four registers of eight lanes. */
  public static final int VECTOR_TABLE = 4 * L;

  private CodebookKernels() {}

  /** y[o] = sum_i table[idx[o * in + i]] * x[i] for rows [o0, o1). */
  public static void gemvReference(byte[] idx, float[] table, int in, float[] x, float[] y,
      int o0, int o1) {
    for (int o = o0; o < o1; o++) {
      float s = 0f;
      for (int i = 0; i < in; i++) {
        s += table[idx[o * in + i] & 0xFF] * x[i];
      }
      y[o] = s;
    }
  }

  /**
   * As {@link #gemvReference}; the table must have {@link #VECTOR_TABLE} entries (pad with
   * zeros) for the vector path, else the reference runs.
   */
  public static void gemv(byte[] idx, float[] table, int in, float[] x, float[] y, int o0,
      int o1) {
    Objects.checkFromToIndex(o0, o1, y.length);
    Objects.checkFromIndexSize(0, (long) o1 * in, idx.length);
    Objects.checkFromIndexSize(0, in, x.length);
    if (Kernels.scalar() || table.length != VECTOR_TABLE) {
      gemvReference(idx, table, in, x, y, o0, o1);
      return;
    }
    FloatVector t0 = FloatVector.fromArray(F, table, 0);
    FloatVector t1 = FloatVector.fromArray(F, table, L);
    FloatVector t2 = FloatVector.fromArray(F, table, 2 * L);
    FloatVector t3 = FloatVector.fromArray(F, table, 3 * L);
    for (int o = o0; o < o1; o++) {
      int base = o * in;
      FloatVector acc = FloatVector.zero(F);
      int i = 0;
      for (; i + L <= in; i += L) {
        IntVector k = (IntVector) ByteVector.fromArray(B, idx, base + i)
            .convertShape(VectorOperators.B2I, I, 0);
        VectorShuffle<Float> lane = k.and(L - 1).toShuffle().cast(F);
        VectorMask<Float> bit3 = k.and(L).compare(VectorOperators.NE, 0).cast(F);
        VectorMask<Float> bit4 = k.and(2 * L).compare(VectorOperators.NE, 0).cast(F);
        FloatVector lo = t0.rearrange(lane).blend(t1.rearrange(lane), bit3);
        FloatVector hi = t2.rearrange(lane).blend(t3.rearrange(lane), bit3);
        acc = lo.blend(hi, bit4).fma(FloatVector.fromArray(F, x, i), acc);
      }
      float s = VectorOps.sumLanesInOrder(acc);
      for (; i < in; i++) {
        s += table[idx[base + i] & 0xFF] * x[i];
      }
      y[o] = s;
    }
  }

  /** Rows [o0, o1) of W as floats into w, row-major from w[0]. */
  public static void expand(byte[] idx, float[] table, int in, int o0, int o1, float[] w) {
    for (int p = o0 * in, q = 0; p < o1 * in; p++, q++) {
      w[q] = table[idx[p] & 0xFF];
    }
  }
}
