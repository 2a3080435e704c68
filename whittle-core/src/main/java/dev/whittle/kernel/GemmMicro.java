package dev.whittle.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel: a 4 x 16 tile of C += (packed A panel) x (packed B
 * panel). Eight 8-lane accumulators, two B vectors and the A broadcasts leave C2 spare ymm
 * registers; the BLIS 6 x 16 shape (twelve accumulators) measured ~40 GFLOPS against ~75 for
 * this one, because C2 spilled an accumulator to the stack inside the k loop. Unrolling the k
 * loop by two spilled as well.
 *
 * <p>Every C element is an FMA chain over p in order, starting from zero, then added to C once:
 * the same arithmetic wherever the tile sits, which is what keeps results independent of how
 * C is split across threads.
 */
final class GemmMicro {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  /** Rows of C per micro-tile. */
  static final int MR = 4;
  /** Columns of C per micro-tile: two 8-lane vectors. */
  static final int NR = 16;

  private GemmMicro() {}

  /**
   * C[0..4)[0..16) += A~ B~ where A~ is a packed panel (kc, MR) at ap[aOff] (MR values per p) and
   * B~ is a packed panel (kc, NR) at bp[bOff] (NR values per p). C tile is row-major at c[cOff],
   * leading dimension ldc; all 4 x 16 elements must be writable.
   */
  static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
      float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    int ai = aOff;
    int bi = bOff;
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
      FloatVector av = FloatVector.broadcast(S, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, ap[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
    }
    addTo(c, cOff, c00, c01);
    addTo(c, cOff + ldc, c10, c11);
    addTo(c, cOff + 2 * ldc, c20, c21);
    addTo(c, cOff + 3 * ldc, c30, c31);
  }

  private static void addTo(float[] c, int off, FloatVector lo, FloatVector hi) {
    FloatVector.fromArray(S, c, off).add(lo).intoArray(c, off);
    FloatVector.fromArray(S, c, off + 8).add(hi).intoArray(c, off + 8);
  }
}
