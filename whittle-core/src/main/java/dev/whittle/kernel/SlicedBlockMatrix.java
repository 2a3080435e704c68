package dev.whittle.kernel;

import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A sparse (rows, cols) matrix for matrix-vector products at batch 1: non-zeros are covered by
 * blocks of {@link #BLOCK} consecutive columns, and rows go in slices of {@link #SLICE}, processed
 * one step (one block per row of the slice) at a time into four independent vector accumulators.
 *
 * <p>Why blocks: a gathered scalar multiply-add (CSR) costs three loads per non-zero, and the
 * Vector API's gather is not intrinsified on AVX2. A block costs the same three loads (start, eight
 * x values, eight weights) for up to eight non-zeros, and magnitude-pruned rows keep enough
 * neighbours that a greedy cover holds 1.5 to 3 non-zeros per block. Rows are sorted by block
 * count before slicing (SELL-C-sigma, Kreutzer et al. 2014, with C = 4 and blocks in place of
 * scalars), so padding is small and the loop exits once per slice instead of once per row.
 *
 * <p>Two layouts, chosen when packing by a load count: each row with its own blocks (sparse rows),
 * or the four rows of a slice sharing each block's columns, so that one load of x feeds four
 * multiply-adds (rows dense enough that their supports mostly overlap: lenet300's 300->100 layer
 * pruned to 70-80% zeros).
 *
 * <p>Each row is summed into one 8-lane accumulator in block order, then reduced: the order depends
 * on the matrix alone, so results are the same for any split of the slices across threads.
 */
public final class SlicedBlockMatrix {
  /** The widest matrix: block starts are stored in 16 bits, halving their share of the cache. */
  public static final int MAX_COLS = 65_535 + 8;

  /** Columns per block: one 256-bit vector of floats. */
  public static final int BLOCK = 8;

  /** Rows per slice. */
  public static final int SLICE = 4;

  /**
   * What a shared step costs against an own-blocks step (each: four blocks of weights), measured
   * on lenet300's pruned layers: one x load instead of four, but all four rows do multiply-adds.
   */
  static final double SHARED_STEP_COST = 0.65;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int STEP = SLICE * BLOCK; // weights per step

  private final int rows;
  private final int cols;
  private final int nonZeros;
  private final boolean shared; // the rows of a slice share block starts
  private final int[] sliceStart; // (slices + 1) first step of each slice
  private final int[] row; // (slices * SLICE) output row of each lane of a slice
  private final char[] start; // (steps * SLICE, or steps if shared) first column of each block
  private final float[] val; // (steps, SLICE, BLOCK) weights, zero where not covered or padding

  private SlicedBlockMatrix(int rows, int cols, int nonZeros, boolean shared, int[] sliceStart,
      int[] row, char[] start, float[] val) {
    this.rows = rows;
    this.cols = cols;
    this.nonZeros = nonZeros;
    this.shared = shared;
    this.sliceStart = sliceStart;
    this.row = row;
    this.start = start;
    this.val = val;
  }

  /**
   * Packs w (rows, cols) row-major; cols must be at least {@link #BLOCK} (pad with zero columns
   * otherwise) and at most {@link #MAX_COLS}.
   */
  public static SlicedBlockMatrix pack(float[] w, int rows, int cols) {
    if (cols < BLOCK || cols > MAX_COLS || (long) rows * cols > w.length) {
      throw new IllegalArgumentException("block matrix: need " + BLOCK + " <= cols <= " + MAX_COLS
          + " and " + (long) rows * cols + " weights, got cols " + cols + " and " + w.length);
    }
    int nonZeros = 0;
    int[][] own = new int[rows][];
    for (int r = 0; r < rows; r++) {
      own[r] = cover(w, cols, new int[] {r});
      for (int c = 0; c < cols; c++) {
        nonZeros += w[r * cols + c] != 0f ? 1 : 0;
      }
    }
    // Rows by block count, longest first (stable, so ties keep row order).
    Integer[] order = new Integer[rows];
    for (int r = 0; r < rows; r++) {
      order[r] = r;
    }
    Arrays.sort(order, (a, b) -> own[b].length - own[a].length);
    int slices = (rows + SLICE - 1) / SLICE;
    int[] row = new int[slices * SLICE];
    for (int p = 0; p < row.length; p++) {
      // Padding lanes (the last slice's) write lane 0's row; lane 0 is stored last, over them.
      row[p] = order[p < rows ? p : p / SLICE * SLICE];
    }
    int[][] common = new int[slices][];
    int ownSteps = 0;
    int sharedSteps = 0;
    for (int s = 0; s < slices; s++) {
      int[] lanes = Arrays.copyOfRange(row, s * SLICE, Math.min(rows, s * SLICE + SLICE));
      common[s] = cover(w, cols, lanes);
      ownSteps += own[row[s * SLICE]].length;
      sharedSteps += common[s].length;
    }
    boolean shared = sharedSteps * SHARED_STEP_COST < ownSteps;
    int[] sliceStart = new int[slices + 1];
    for (int s = 0; s < slices; s++) {
      // At least one (zero) step per slice: a loop never entered would be compiled as a trap.
      int len = Math.max(1, (shared ? common[s] : own[row[s * SLICE]]).length);
      sliceStart[s + 1] = sliceStart[s] + len;
    }
    int steps = sliceStart[slices];
    char[] start = new char[shared ? steps : steps * SLICE];
    float[] val = new float[steps * STEP];
    for (int s = 0; s < slices; s++) {
      for (int lane = 0; lane < SLICE; lane++) {
        if (s * SLICE + lane >= rows) {
          continue; // padding: starts 0, weights 0
        }
        int r = row[s * SLICE + lane];
        int[] blocks = shared ? common[s] : own[r];
        int covered = 0; // columns below this are in an earlier block of the row
        for (int k = 0; k < blocks.length; k++) {
          int step = sliceStart[s] + k;
          int c0 = blocks[k];
          start[shared ? step : step * SLICE + lane] = (char) c0;
          for (int q = Math.max(c0, covered) - c0; q < BLOCK; q++) {
            val[step * STEP + lane * BLOCK + q] = w[r * cols + c0 + q];
          }
          covered = c0 + BLOCK;
        }
      }
    }
    return new SlicedBlockMatrix(rows, cols, nonZeros, shared, sliceStart, row, start, val);
  }

  /**
   * The greedy cover of the non-zeros of the given rows by blocks: scanning left to right, a block
   * starts at the first column not yet covered where any of the rows is non-zero (moved left at
   * the right edge, overlapping the block before it). The greedy cover is the smallest for a fixed
   * block width.
   */
  private static int[] cover(float[] w, int cols, int[] rows) {
    int[] starts = new int[cols];
    int k = 0;
    int c = 0;
    while (c < cols) {
      boolean any = false;
      for (int r : rows) {
        any |= w[r * cols + c] != 0f;
      }
      if (any) {
        int s = Math.min(c, cols - BLOCK);
        starts[k++] = s;
        c = s + BLOCK;
      } else {
        c++;
      }
    }
    return Arrays.copyOf(starts, k);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int slices() {
    return sliceStart.length - 1;
  }

  /** Blocks of weights stored, padding included. */
  public int blocks() {
    return val.length / BLOCK;
  }

  public int nonZeros() {
    return nonZeros;
  }

  /** Whether the rows of a slice share block starts (see the class comment). */
  public boolean shared() {
    return shared;
  }

  /**
   * y[r] = sum over c of w[r][c] * x[c], for the rows of slices [from, to); other entries of y
   * are not touched.
   */
  public void multiply(float[] x, float[] y, int from, int to) {
    Objects.checkFromToIndex(from, to, slices());
    Objects.checkFromIndexSize(0, cols, x.length);
    Objects.checkFromIndexSize(0, rows, y.length);
    if (Kernels.scalar()) {
      multiplyReference(x, y, from, to);
    } else if (shared) {
      multiplyShared(x, y, from, to, sliceStart, start, val, row);
    } else {
      multiplyOwn(x, y, from, to, sliceStart, start, val, row);
    }
  }

  /**
   * Each row its own blocks. The arrays come in as arguments so that the loop reads locals, not
   * fields: the same loop reading fields, with x and y offsets added, measured 30% slower.
   */
  private static void multiplyOwn(float[] x, float[] y, int from, int to, int[] sliceStart,
      char[] start, float[] val, int[] row) {
    for (int s = from; s < to; s++) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int t = sliceStart[s], end = sliceStart[s + 1]; t < end; t++) {
        int v = t * STEP;
        int b = t * SLICE;
        a0 = FloatVector.fromArray(S, val, v).fma(FloatVector.fromArray(S, x, start[b]), a0);
        a1 = FloatVector.fromArray(S, val, v + BLOCK)
            .fma(FloatVector.fromArray(S, x, start[b + 1]), a1);
        a2 = FloatVector.fromArray(S, val, v + 2 * BLOCK)
            .fma(FloatVector.fromArray(S, x, start[b + 2]), a2);
        a3 = FloatVector.fromArray(S, val, v + 3 * BLOCK)
            .fma(FloatVector.fromArray(S, x, start[b + 3]), a3);
      }
      store(y, row, s, a0, a1, a2, a3);
    }
  }

  /** The rows of a slice share each block's columns: one load of x per step. */
  private static void multiplyShared(float[] x, float[] y, int from, int to, int[] sliceStart,
      char[] start, float[] val, int[] row) {
    for (int s = from; s < to; s++) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int t = sliceStart[s], end = sliceStart[s + 1]; t < end; t++) {
        int v = t * STEP;
        FloatVector xv = FloatVector.fromArray(S, x, start[t]);
        a0 = FloatVector.fromArray(S, val, v).fma(xv, a0);
        a1 = FloatVector.fromArray(S, val, v + BLOCK).fma(xv, a1);
        a2 = FloatVector.fromArray(S, val, v + 2 * BLOCK).fma(xv, a2);
        a3 = FloatVector.fromArray(S, val, v + 3 * BLOCK).fma(xv, a3);
      }
      store(y, row, s, a0, a1, a2, a3);
    }
  }

  /** Lane 0 last: padding lanes hold lane 0's row, so no branch (a rare branch deoptimizes). */
  private static void store(float[] y, int[] row, int s, FloatVector a0, FloatVector a1,
      FloatVector a2, FloatVector a3) {
    int p = s * SLICE;
    y[row[p + 3]] = VectorOps.sumLanesInOrder(a3);
    y[row[p + 2]] = VectorOps.sumLanesInOrder(a2);
    y[row[p + 1]] = VectorOps.sumLanesInOrder(a1);
    y[row[p]] = VectorOps.sumLanesInOrder(a0);
  }

  /** The plain scalar version of {@link #multiply}: one double sum per row over its blocks. */
  public void multiplyReference(float[] x, float[] y, int from, int to) {
    for (int s = from; s < to; s++) {
      for (int lane = 0; lane < SLICE && s * SLICE + lane < rows; lane++) {
        int r = row[s * SLICE + lane];
        double sum = 0;
        for (int t = sliceStart[s]; t < sliceStart[s + 1]; t++) {
          int c0 = start[shared ? t : t * SLICE + lane];
          for (int q = 0; q < BLOCK; q++) {
            sum += (double) val[t * STEP + lane * BLOCK + q] * x[c0 + q];
          }
        }
        y[r] = (float) sum;
      }
    }
  }
}
