package dev.whittle.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer GEMM for quantized inference: C (int32) = A (uint8 activations) x B^T (signed weights
 * of 8, 4 or 2 bits), both K-contiguous:
 *
 * <pre>c[cOff + i*csRow + j*csCol] = sum_{p<k} (a[aOff + i*lda + p] &amp; 0xFF) * b[j][p]</pre>
 *
 * <p>Life cycle: weights are packed once ({@link #pack(byte[], int, int)}, or
 * {@link #pack(byte[], int, int, int)} from {@link BitPack} fields), then {@link #gemm} runs any
 * number of times, from any number of threads. The output strides let callers write C (m, n)
 * (csRow = n, csCol = 1) or its transpose (csRow = 1, csCol = m: convolution patches are rows of
 * A and NCHW output wants C^T).
 *
 * <p>How it runs: the operands are widened to floats (weights one 16-wide panel at a time,
 * activations one block at a time, into per-thread scratch) and a 4 x 16 register tile of fp32
 * FMAs runs over blocks of {@code KC} = 256 k-steps. Every partial sum is an integer of
 * magnitude at most 256 * 255 * 128 &lt; 2^24, so the float arithmetic is exact; each block's
 * tile is converted to int and stored or added into C. The packed weights stay 8, 4 or 2 bits
 * wide in memory (1/4, 1/8, 1/16 of float32). Integer results are identical for any thread
 * count.
 *
 * <p>Why floats: on AVX2 the Vector API has no pmaddubsw/pmaddwd. Measured alternatives on the
 * lenet300 shape, one thread: 16-bit multiplies widened to int 8 GMAC/s; bytes converted to float
 * inside the FMA loop 23; C2's SuperWord vpmaddwd (MulAddVS2VI) only fires for streaming loops
 * of the form out[i] += a[2i]*b[2i] + a[2i+1]*b[2i+1], with no register blocking, 22 at best, and
 * not at all for the dot-product reduction; this kernel 38-41 against an FMA peak of 48 (16
 * multiply-adds per cycle). A loop mixing independent FMA and 16-bit multiply-add chains took
 * the sum of their separate times (the integer ops compete for the same FP pipes), so a mixed
 * float/int16 tile would not add throughput either: int8 runs at fp32 FMA speed, and gains over
 * {@link Gemm#sgemm} only where that loses time packing (weights here are pre-packed) or
 * transposing (C^T: 8 x 8 byte transposes in registers here).
 */
public final class Int8Gemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
  /** Rows of C per register tile. */
  static final int MR = 4;
  /** Columns of C per register tile, and weight columns per packed panel. */
  static final int NR = 16;
  /** k-steps per block: float sums stay exact up to 512 (2^24 / (255 * 128)); 16 KB B panel. */
  static final int KC = 256;
  /** Activation rows widened at once: MC * KC floats = 128 KB, resident in L2. */
  static final int MC = 128;
  /** Weight columns widened at once. */
  static final int NC = 1024;
  /** Below this many multiply-adds the calling thread runs alone. */
  private static final long PARALLEL_WORK = 1L << 18;

  /** Per-thread scratch: widened activation and weight blocks, transposed bytes, one int tile. */
  private static final class Workspace {
    float[] a = new float[0];
    float[] b = new float[0];
    final byte[] bytes = new byte[KC * NR];
    final int[] tile = new int[MR * NR];
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private Int8Gemm() {}

  /**
   * Weights (n, k) packed for {@link #gemm}: immutable, shareable between threads.
   *
   * <p>Layout (in memory only, not a file format): panels of 16 weight rows (the last padded with
   * zeros), each stored p-major (16 values per k-step, k padded to even); the value sequence is
   * cut into 8-byte chunks of 64 / bits values, value f*8 + t of a chunk in field f of byte t, so
   * one vector load and a shift per field widens 8 values.
   */
  public static final class Packed {
    private final int n;
    private final int k;
    private final int bits;
    /** k rounded up to even, the p-extent of a panel. */
    private final int kp;
    private final byte[] data; // ceil(n/16) panels of (kp, 16) fields
    private final int[] rowSums; // (n)

    private Packed(int n, int k, int bits) {
      this.n = n;
      this.k = k;
      this.bits = bits;
      this.kp = (k + 1) & ~1;
      long fields = (long) panels(n) * NR * kp;
      if (fields * bits / 8 > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("packed weights (" + n + ", " + k + ") at " + bits
            + " bits exceed 2 GB");
      }
      this.data = new byte[(int) (fields * bits / 8)];
      this.rowSums = new int[n];
    }

    /** Output columns: rows of the weight matrix. */
    public int n() {
      return n;
    }

    /** Reduction length. */
    public int k() {
      return k;
    }

    /** Bits per stored weight: 8, 4 or 2. */
    public int bits() {
      return bits;
    }

    /** Bytes of packed weights held (padding included). */
    public long bytes() {
      return data.length;
    }

    /**
     * sum_p b[j][p] for each j (a copy): with activations quantized as q = a/s + z, the true
     * product is c[i][j] - z * rowSums[j].
     */
    public int[] rowSums() {
      return rowSums.clone();
    }

    /** The weights as row-major (n, k) signed bytes. */
    public byte[] unpack() {
      byte[] out = new byte[n * k];
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          out[j * k + p] = (byte) get(j, p);
        }
      }
      return out;
    }

    private long index(int j, int p) {
      return ((long) (j / NR) * kp + p) * NR + j % NR;
    }

    private int get(int j, int p) {
      long g = index(j, p);
      int per = 64 / bits; // values per 8-byte chunk
      int r = (int) (g % per);
      int at = (int) (g / per * 8) + (r & 7);
      int shift = (r >>> 3) * bits;
      return (data[at] & 0xFF) << (32 - shift - bits) >> (32 - bits);
    }

    private void set(int j, int p, int v) {
      long g = index(j, p);
      int per = 64 / bits;
      int r = (int) (g % per);
      int at = (int) (g / per * 8) + (r & 7);
      data[at] |= (byte) ((v & ((1 << bits) - 1)) << ((r >>> 3) * bits));
      rowSums[j] += v;
    }

    /**
     * Widens rows [p0, p0 + rows) of panel q (p0 and rows even) to floats, p-major:
     * dst[dOff + (p - p0)*16 + t] = b[16q + t][p].
     */
    void widen(int q, int p0, int rows, float[] dst, int dOff) {
      int per = 64 / bits;
      int byte0 = (int) (((long) q * kp + p0) * NR / per * 8);
      int chunks = rows * NR / per;
      switch (bits) {
        case 8 -> {
          for (int c = 0; c < chunks; c++) {
            put(ByteVector.fromArray(B8, data, byte0 + 8 * c)
                .convertShape(VectorOperators.B2F, S, 0), dst, dOff + 8 * c);
          }
        }
        case 4 -> {
          for (int c = 0; c < chunks; c++) {
            IntVector v = (IntVector) ByteVector.fromArray(B8, data, byte0 + 8 * c)
                .convertShape(VectorOperators.B2I, I, 0);
            int d = dOff + 16 * c;
            put(v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                .convert(VectorOperators.I2F, 0), dst, d);
            put(v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0), dst, d + 8);
          }
        }
        default -> {
          for (int c = 0; c < chunks; c++) {
            IntVector v = (IntVector) ByteVector.fromArray(B8, data, byte0 + 8 * c)
                .convertShape(VectorOperators.B2I, I, 0);
            int d = dOff + 32 * c;
            for (int f = 0; f < 4; f++) {
              put(v.lanewise(VectorOperators.LSHL, 30 - 2 * f).lanewise(VectorOperators.ASHR, 30)
                  .convert(VectorOperators.I2F, 0), dst, d + 8 * f);
            }
          }
        }
      }
    }
  }

  /** Packs int8 weights b, row-major (n, k): row j holds the k weights of output column j. */
  public static Packed pack(byte[] b, int n, int k) {
    checkShape(n, k);
    if ((long) n * k > b.length) {
      throw new IllegalArgumentException("int8 weights (" + n + ", " + k + ") need " + (long) n * k
          + " bytes, array has " + b.length);
    }
    Packed out = new Packed(n, k, 8);
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        out.set(j, p, b[j * k + p]);
      }
    }
    return out;
  }

  /**
   * Packs weights (n, k) given as {@link BitPack} fields of the given width (1..8, row-major).
   * They stay that narrow in memory: 1 and 2 bits are held in 2-bit fields, 3 and 4 bits in 4-bit
   * fields, more in bytes.
   */
  public static Packed pack(byte[] fields, int bits, int n, int k) {
    checkShape(n, k);
    long need = BitPack.bytes((long) n * k, bits);
    if (need > fields.length) {
      throw new IllegalArgumentException(bits + "-bit weights (" + n + ", " + k + ") need " + need
          + " bytes, array has " + fields.length);
    }
    Packed out = new Packed(n, k, bits <= 2 ? 2 : bits <= 4 ? 4 : 8);
    byte[] row = new byte[k];
    for (int j = 0; j < n; j++) {
      BitPack.unpack(fields, bits, (long) j * k, row, 0, k);
      for (int p = 0; p < k; p++) {
        out.set(j, p, row[p]);
      }
    }
    return out;
  }

  private static void checkShape(int n, int k) {
    if (n < 0 || k < 0) {
      throw new IllegalArgumentException("weight shape must be >= 0, got n=" + n + " k=" + k);
    }
  }

  private static int panels(int n) {
    return (n + NR - 1) / NR;
  }

  /**
   * c[cOff + i*csRow + j*csCol] = sum_p (a[aOff + i*lda + p] &amp; 0xFF) * b[j][p] for i &lt; m,
   * j &lt; b.n(); C is overwritten. Strides must be &gt;= 1; every addressed element must be in
   * bounds.
   */
  public static void gemm(int m, byte[] a, int aOff, int lda, Packed b, int[] c, int cOff,
      int csRow, int csCol) {
    int n = b.n;
    int k = b.k;
    checkArgs(m, n, k, a, aOff, lda, c, cOff, csRow, csCol);
    if (Kernels.scalar()) {
      QuantKernelsReference.int8Gemm(m, n, k, a, aOff, lda, b.unpack(), c, cOff, csRow, csCol);
      return;
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          c[cOff + i * csRow + j * csCol] = 0;
        }
      }
      return;
    }
    // rows of C per unit of work: a register tile, or a transposed panel of activation rows
    int unitM = csRow == 1 && csCol != 1 ? NR : MR;
    int tilesM = (m + unitM - 1) / unitM;
    int tilesN = panels(n);
    int t = Parallel.threads();
    if (t == 1 || (long) m * n * k < PARALLEL_WORK || Parallel.inParallelRegion()) {
      block(m, a, aOff, lda, b, 0, n, c, cOff, csRow, csCol);
      return;
    }
    // Each thread widens its share of one operand and all of the other: split the dimension
    // that duplicates the smaller one, unless it has too few tiles to go round (as Gemm does).
    boolean splitN = m <= n ? tilesN >= t || tilesN >= tilesM : tilesM < t && tilesN > tilesM;
    if (splitN) {
      Parallel.forRange(tilesN, (t0, t1) ->
          block(m, a, aOff, lda, b, t0 * NR, Math.min(n, t1 * NR), c, cOff, csRow, csCol));
    } else {
      Parallel.forRange(tilesM, (t0, t1) -> {
        int i0 = t0 * unitM;
        int mm = Math.min(m, t1 * unitM) - i0;
        block(mm, a, aOff + i0 * lda, lda, b, 0, n, c, cOff + i0 * csRow, csRow, csCol);
      });
    }
  }

  /**
   * C[0..m)[j0..j1) for j0 a multiple of NR, on the calling thread. Transposed output (csRow = 1)
   * runs with the roles swapped, so tile rows are weights and tile columns activation rows: C^T
   * stores stay contiguous.
   */
  private static void block(int m, byte[] a, int aOff, int lda, Packed b, int j0, int j1,
      int[] c, int cOff, int csRow, int csCol) {
    if (csRow == 1 && csCol != 1) {
      blockTransposed(m, a, aOff, lda, b, j0, j1, c, cOff, csCol);
    } else {
      blockDirect(m, a, aOff, lda, b, j0, j1, c, cOff, csRow, csCol);
    }
  }

  /**
   * The BLIS loop nest: jc over NC weight columns, pc over KC k-steps, widen the weight block
   * (16-wide panels), ic over MC activation rows, widen them, then 4 x 16 tiles (4 activation
   * rows by 16 weights). The first k block stores into C, later ones add.
   */
  private static void blockDirect(int m, byte[] a, int aOff, int lda, Packed b, int j0, int j1,
      int[] c, int cOff, int csRow, int csCol) {
    Workspace ws = WORKSPACE.get();
    int k = b.k;
    int kcMax = Math.min(KC, b.kp);
    float[] bp = ws.b = grow(ws.b, Math.min(NC, panels(j1 - j0) * NR) * kcMax);
    float[] ap = ws.a = grow(ws.a, Math.min(MC, roundUp(m, MR)) * kcMax);
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        int kcb = (kc + 1) & ~1; // widened panel height: 2-bit chunks hold two k-steps
        for (int q = 0; q < panels(nc); q++) {
          b.widen(jc / NR + q, pc, kcb, bp, q * kcb * NR);
        }
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          widenRows(a, aOff + ic * lda + pc, lda, mc, kc, ap);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
              kernel(kc, ap, ir * kc, bp, jr * kcb, c,
                  cOff + (ic + ir) * csRow + (jc + jr) * csCol, csRow, csCol,
                  Math.min(MR, mc - ir), nr, pc > 0, ws.tile);
            }
          }
        }
      }
    }
  }

  /**
   * C^T (csRow = 1): pc over KC k-steps, widen all weights [j0, j1) to float rows, then for each
   * panel of 16 activation rows (transposed and widened) 4 x 16 tiles of 4 weights by 16
   * activation rows, stored contiguously along i.
   */
  private static void blockTransposed(int m, byte[] a, int aOff, int lda, Packed b, int j0,
      int j1, int[] c, int cOff, int csCol) {
    Workspace ws = WORKSPACE.get();
    int k = b.k;
    int kcMax = Math.min(KC, b.kp);
    int nn = j1 - j0;
    float[] wp = ws.b = grow(ws.b, panels(nn) * NR * kcMax * 2);
    float[] at = ws.a = grow(ws.a, NR * kcMax);
    int rowsOff = panels(nn) * NR * kcMax; // weight rows after the p-major panels in ws.b
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      int kcb = (kc + 1) & ~1;
      for (int q = 0; q < panels(nn); q++) {
        b.widen(j0 / NR + q, pc, kcb, wp, 0);
        // p-major panel -> rows of length kc (zero weights pad the last panel to 16 rows)
        for (int t = 0; t < NR; t++) {
          int d = rowsOff + (q * NR + t) * kc;
          for (int p = 0; p < kc; p++) {
            wp[d + p] = wp[p * NR + t];
          }
        }
      }
      for (int i0 = 0; i0 < m; i0 += NR) {
        int rows = Math.min(NR, m - i0);
        widenColumns(a, aOff + i0 * lda + pc, lda, rows, kc, at, ws.bytes);
        for (int jr = 0; jr < nn; jr += MR) {
          kernel(kc, wp, rowsOff + jr * kc, at, 0, c, cOff + i0 + (j0 + jr) * csCol, csCol, 1,
              Math.min(MR, nn - jr), rows, pc > 0, ws.tile);
        }
      }
    }
  }

  private static float[] grow(float[] buf, int need) {
    return buf.length >= need ? buf : new float[need];
  }

  private static int roundUp(int x, int r) {
    return (x + r - 1) / r * r;
  }

  /**
   * Widens the unsigned bytes of A (mc, kc) at a[off] (leading dimension lda) to floats, row-major
   * with row length kc, and zero rows up to the next multiple of MR.
   */
  private static void widenRows(byte[] a, int off, int lda, int mc, int kc, float[] dst) {
    int vec = kc & ~7;
    for (int r = 0; r < mc; r++) {
      int src = off + r * lda;
      int d = r * kc;
      for (int p = 0; p < vec; p += 8) {
        put(ByteVector.fromArray(B8, a, src + p)
            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0)
            .convert(VectorOperators.I2F, 0), dst, d + p);
      }
      for (int p = vec; p < kc; p++) {
        dst[d + p] = a[src + p] & 0xFF;
      }
    }
    java.util.Arrays.fill(dst, mc * kc, roundUp(mc, MR) * kc, 0f);
  }

  /**
   * Widens the unsigned bytes of A (rows &lt;= 16, kc) at a[off] to a p-major 16-wide panel:
   * dst[p*16 + t] = A[t][p], zero for t &gt;= rows. Full panels transpose 8 x 8 byte blocks in
   * registers (three rounds of masked swaps on longs) into bytes, then widen 8 at a time.
   */
  private static void widenColumns(byte[] a, int off, int lda, int rows, int kc, float[] dst,
      byte[] bytes) {
    if (rows < NR) {
      for (int t = 0; t < NR; t++) {
        int src = off + t * lda;
        for (int p = 0; p < kc; p++) {
          dst[p * NR + t] = t < rows ? a[src + p] & 0xFF : 0f;
        }
      }
      return;
    }
    int k8 = kc & ~7;
    for (int g = 0; g < NR; g += 8) {
      int r = off + g * lda;
      for (int p = 0; p < k8; p += 8) {
        transpose8(a, r + p, lda, bytes, p * NR + g);
      }
    }
    for (int i = 0; i < k8 * NR; i += 8) {
      put(ByteVector.fromArray(B8, bytes, i).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0)
          .convert(VectorOperators.I2F, 0), dst, i);
    }
    for (int t = 0; t < NR; t++) {
      int src = off + t * lda;
      for (int p = k8; p < kc; p++) {
        dst[p * NR + t] = a[src + p] & 0xFF;
      }
    }
  }

  /**
   * The 8 x 8 byte block a[src + r*lda + c] (r, c &lt; 8) transposed into out[dst + c*16 + r]:
   * byte c of long r swaps with byte r of long c, one bit of the index per round.
   */
  private static void transpose8(byte[] a, int src, int lda, byte[] out, int dst) {
    long x0 = (long) LONGS.get(a, src);
    long x1 = (long) LONGS.get(a, src + lda);
    long x2 = (long) LONGS.get(a, src + 2 * lda);
    long x3 = (long) LONGS.get(a, src + 3 * lda);
    long x4 = (long) LONGS.get(a, src + 4 * lda);
    long x5 = (long) LONGS.get(a, src + 5 * lda);
    long x6 = (long) LONGS.get(a, src + 6 * lda);
    long x7 = (long) LONGS.get(a, src + 7 * lda);
    long m = 0x00FF00FF00FF00FFL; // odd bytes of the even row <-> even bytes of the odd row
    long t = ((x0 >>> 8) ^ x1) & m;
    x1 ^= t;
    x0 ^= t << 8;
    t = ((x2 >>> 8) ^ x3) & m;
    x3 ^= t;
    x2 ^= t << 8;
    t = ((x4 >>> 8) ^ x5) & m;
    x5 ^= t;
    x4 ^= t << 8;
    t = ((x6 >>> 8) ^ x7) & m;
    x7 ^= t;
    x6 ^= t << 8;
    m = 0x0000FFFF0000FFFFL; // 2 x 2 blocks
    t = ((x0 >>> 16) ^ x2) & m;
    x2 ^= t;
    x0 ^= t << 16;
    t = ((x1 >>> 16) ^ x3) & m;
    x3 ^= t;
    x1 ^= t << 16;
    t = ((x4 >>> 16) ^ x6) & m;
    x6 ^= t;
    x4 ^= t << 16;
    t = ((x5 >>> 16) ^ x7) & m;
    x7 ^= t;
    x5 ^= t << 16;
    m = 0x00000000FFFFFFFFL; // 4 x 4 blocks
    t = ((x0 >>> 32) ^ x4) & m;
    x4 ^= t;
    x0 ^= t << 32;
    t = ((x1 >>> 32) ^ x5) & m;
    x5 ^= t;
    x1 ^= t << 32;
    t = ((x2 >>> 32) ^ x6) & m;
    x6 ^= t;
    x2 ^= t << 32;
    t = ((x3 >>> 32) ^ x7) & m;
    x7 ^= t;
    x3 ^= t << 32;
    LONGS.set(out, dst, x0);
    LONGS.set(out, dst + NR, x1);
    LONGS.set(out, dst + 2 * NR, x2);
    LONGS.set(out, dst + 3 * NR, x3);
    LONGS.set(out, dst + 4 * NR, x4);
    LONGS.set(out, dst + 5 * NR, x5);
    LONGS.set(out, dst + 6 * NR, x6);
    LONGS.set(out, dst + 7 * NR, x7);
  }

  /**
   * One 4 x 16 tile: T = A~ B~ over kc steps (A~ four rows of ap at aOff with row length kc, B~ a
   * p-major 16-wide panel at bp[bOff]), exact in float, then C = T (store) or C += T (add) for
   * the mr x nr corner that exists; tile element (r, t) is c[cOff + r*rs + t*cs]. One call site
   * per loop nest (see GemmBlocked.macro).
   */
  private static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, int[] c,
      int cOff, int rs, int cs, int mr, int nr, boolean add, int[] tile) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    int a0 = aOff;
    int a1 = a0 + kc;
    int a2 = a1 + kc;
    int a3 = a2 + kc;
    int bi = bOff;
    for (int p = 0; p < kc; p++, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
      FloatVector av = FloatVector.broadcast(S, ap[a0 + p]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, ap[a1 + p]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, ap[a2 + p]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, ap[a3 + p]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
    }
    if (mr == MR && nr == NR && cs == 1) {
      store(c, cOff, c00, c01, add);
      store(c, cOff + rs, c10, c11, add);
      store(c, cOff + 2 * rs, c20, c21, add);
      store(c, cOff + 3 * rs, c30, c31, add);
      return;
    }
    toInt(c00).intoArray(tile, 0);
    toInt(c01).intoArray(tile, 8);
    toInt(c10).intoArray(tile, 16);
    toInt(c11).intoArray(tile, 24);
    toInt(c20).intoArray(tile, 32);
    toInt(c21).intoArray(tile, 40);
    toInt(c30).intoArray(tile, 48);
    toInt(c31).intoArray(tile, 56);
    for (int r = 0; r < mr; r++) {
      int ci = cOff + r * rs;
      for (int t = 0; t < nr; t++, ci += cs) {
        c[ci] = add ? c[ci] + tile[r * NR + t] : tile[r * NR + t];
      }
    }
  }

  private static void put(Vector<Float> v, float[] dst, int off) {
    ((FloatVector) v).intoArray(dst, off);
  }

  private static IntVector toInt(FloatVector v) {
    return (IntVector) v.convert(VectorOperators.F2I, 0);
  }

  private static void store(int[] c, int off, FloatVector lo, FloatVector hi, boolean add) {
    IntVector l = toInt(lo);
    IntVector h = toInt(hi);
    if (add) {
      l = l.add(IntVector.fromArray(I, c, off));
      h = h.add(IntVector.fromArray(I, c, off + 8));
    }
    l.intoArray(c, off);
    h.intoArray(c, off + 8);
  }

  private static void checkArgs(int m, int n, int k, byte[] a, int aOff, int lda, int[] c,
      int cOff, int csRow, int csCol) {
    if (m < 0) {
      throw new IllegalArgumentException("int8 gemm: m must be >= 0, got " + m);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (lda < k) {
      throw new IllegalArgumentException("int8 gemm: leading dimension of A is " + lda
          + ", less than k = " + k);
    }
    if (k > 0 && (aOff < 0 || (long) aOff + (long) (m - 1) * lda + k > a.length)) {
      throw new IndexOutOfBoundsException("int8 gemm: A (" + m + ", " + k + ") at offset " + aOff
          + " with leading dimension " + lda + " exceeds the array of " + a.length);
    }
    if (csRow < 1 || csCol < 1) {
      throw new IllegalArgumentException("int8 gemm: C strides must be >= 1, got csRow=" + csRow
          + " csCol=" + csCol);
    }
    long last = (long) cOff + (long) (m - 1) * csRow + (long) (n - 1) * csCol;
    if (cOff < 0 || last >= c.length) {
      throw new IndexOutOfBoundsException("int8 gemm: C (" + m + ", " + n + ") at offset " + cOff
          + " with strides (" + csRow + ", " + csCol + ") reaches element " + last
          + ", array has " + c.length);
    }
  }
}
