package dev.whittle.kernel;

import static dev.whittle.kernel.GemmMicro.MR;
import static dev.whittle.kernel.GemmMicro.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded cache-blocked GEMM, C += op(A) op(B), on packed panels (the BLIS loop nest):
 * jc over NC columns, pc over KC of k, pack B block, ic over MC rows, pack A block, then jr over
 * 16-column and ir over 4-row micro-tiles. C must already hold beta*C.
 *
 * <p>KC is a constant, so each C element sums its k range in the same blocks whatever part of C
 * a thread was given: callers may split C freely and still get bit-identical results.
 */
final class GemmBlocked {

  private static final VectorSpecies<Float> S = GemmMicro.S;
  /** Depth of a k block: a 16-column B micro-panel (16 KB) stays in L1. */
  static final int KC = 256;
  /** Rows of A packed at once: MC * KC floats = 128 KB, resident in L2. */
  static final int MC = 128;
  /** Columns of B packed at once (KC * NC floats = 2 MB, L3). */
  static final int NC = 2048;

  /** Per-thread packing buffers; they grow to the largest block seen and are then reused. */
  static final class Workspace {
    float[] aPack = new float[0];
    float[] bPack = new float[0];
    final float[] tile = new float[MR * NR];
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private GemmBlocked() {}

  /** C += op(A) op(B) for op(A) (m, k), op(B) (k, n), C (m, n) row-major at c[cOff], ldc. */
  static void run(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    Workspace ws = WORKSPACE.get();
    int ncMax = Math.min(NC, roundUp(n, NR));
    int kcMax = Math.min(KC, k);
    int mcMax = Math.min(MC, roundUp(m, MR));
    if (ws.bPack.length < ncMax * kcMax) {
      ws.bPack = new float[ncMax * kcMax];
    }
    if (ws.aPack.length < mcMax * kcMax) {
      ws.aPack = new float[mcMax * kcMax];
    }
    float[] ap = ws.aPack;
    float[] bp = ws.bPack;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packB(transB, kc, nc, b, bOff, ldb, pc, jc, bp);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          packA(transA, mc, kc, a, aOff, lda, ic, pc, ap, 0);
          macro(mc, nc, kc, ap, bp, c, cOff + ic * ldc + jc, ldc, ws.tile);
        }
      }
    }
  }

  /** All micro-tiles of one (mc, nc) block of C; edge tiles go through a zeroed 4 x 16 buffer. */
  private static void macro(int mc, int nc, int kc, float[] ap, float[] bp,
      float[] c, int cOff, int ldc, float[] tile) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int bBase = jr * kc; // panel jr/NR starts at (jr/NR) * kc * NR
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int aBase = ir * kc;
        int cBase = cOff + ir * ldc + jr;
        // One call site only: when C2 inlined a second copy of the kernel for edge tiles, the
        // bigger method compiled to code half as fast (measured 31 vs 60 GFLOPS at n = 300).
        boolean full = mr == MR && nr == NR;
        if (!full) {
          java.util.Arrays.fill(tile, 0f);
        }
        GemmMicro.kernel(kc, ap, aBase, bp, bBase, full ? c : tile, full ? cBase : 0,
            full ? ldc : NR);
        if (!full) {
          for (int i = 0; i < mr; i++) {
            int ci = cBase + i * ldc;
            for (int j = 0; j < nr; j++) {
              c[ci + j] += tile[i * NR + j];
            }
          }
        }
      }
    }
  }

  /**
   * Packs op(A)[ic..ic+mc)[pc..pc+kc) into 4-row panels: panel r holds, for each p, its 4 row
   * values (zero past row mc), at dst[dOff + r * 4 * kc + p * 4 + i].
   */
  static void packA(boolean transA, int mc, int kc, float[] a, int aOff, int lda,
      int ic, int pc, float[] dst, int dOff) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int base = dOff + ir * kc;
      if (transA) {
        // A stored (k, m): the 4 values for one p are contiguous
        int src = aOff + pc * lda + ic + ir;
        for (int p = 0; p < kc; p++, src += lda) {
          int d = base + p * MR;
          for (int i = 0; i < mr; i++) {
            dst[d + i] = a[src + i];
          }
          for (int i = mr; i < MR; i++) {
            dst[d + i] = 0f;
          }
        }
      } else {
        // A stored (m, k): read each row contiguously, write with stride 4
        for (int i = 0; i < MR; i++) {
          int d = base + i;
          if (i < mr) {
            int src = aOff + (ic + ir + i) * lda + pc;
            for (int p = 0; p < kc; p++) {
              dst[d + p * MR] = a[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[d + p * MR] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Packs op(B)[pc..pc+kc)[jc..jc+nc) into 16-column panels: panel q holds, for each p, its 16
   * column values (zero past column nc), at dst[q * 16 * kc + p * 16 + j].
   */
  private static void packB(boolean transB, int kc, int nc, float[] b, int bOff, int ldb,
      int pc, int jc, float[] dst) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int base = jr * kc;
      if (!transB) {
        // B stored (k, n): the 16 values for one p are contiguous
        int src = bOff + pc * ldb + jc + jr;
        if (nr == NR) {
          for (int p = 0; p < kc; p++, src += ldb) {
            int d = base + p * NR;
            FloatVector.fromArray(S, b, src).intoArray(dst, d);
            FloatVector.fromArray(S, b, src + 8).intoArray(dst, d + 8);
          }
        } else {
          for (int p = 0; p < kc; p++, src += ldb) {
            int d = base + p * NR;
            for (int j = 0; j < nr; j++) {
              dst[d + j] = b[src + j];
            }
            for (int j = nr; j < NR; j++) {
              dst[d + j] = 0f;
            }
          }
        }
      } else {
        // B stored (n, k): read each of the 16 rows contiguously, write with stride 16
        for (int j = 0; j < NR; j++) {
          int d = base + j;
          if (j < nr) {
            int src = bOff + (jc + jr + j) * ldb + pc;
            for (int p = 0; p < kc; p++) {
              dst[d + p * NR] = b[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[d + p * NR] = 0f;
            }
          }
        }
      }
    }
  }

  static int roundUp(int x, int r) {
    return (x + r - 1) / r * r;
  }
}
