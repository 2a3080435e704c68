package dev.whittle.kernel;

import static dev.whittle.kernel.GemmBlocked.KC;
import static dev.whittle.kernel.GemmMicro.MR;
import static dev.whittle.kernel.GemmMicro.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward convolution as a blocked GEMM without a column matrix: out = bias + W (oc, k) x
 * cols (k, n * oh * ow), where the columns run over samples, then output positions. Each 16-column
 * B panel (16 output positions, one k block deep) is gathered from the image straight into
 * {@link GemmBlocked}'s packed layout and used by the micro-kernel against all of W while it is
 * still in L1; the micro-tiles add into the NCHW output in place. im2col, packB and the copy of a
 * staged GEMM output were three passes over memory for this one (about a third of lenet5's
 * inference time), and no buffer grows with the batch.
 *
 * <p>The arithmetic is GemmBlocked's: every output is bias + the FMA chain of k block 0 (from
 * zero) + that of block 1 + ..., with the same KC blocks, whatever panels a thread is given, so
 * results are bit-identical for any thread count, and to im2col + {@link Gemm#sgemm} wherever
 * that took the blocked kernel (more than two filters and output positions).
 */
final class ConvGemm {

  private static final VectorSpecies<Float> S = GemmMicro.S;
  private static final int L = 8;
  /** Below this many multiply-adds the panels run on the calling thread alone. */
  private static final long PARALLEL_WORK = 1L << 19;

  private ConvGemm() {}

  /** out (n, oc, oh, ow) = conv(x (n, c, h, w), weight (oc, c, kh, kw)) + bias (nullable). */
  static void forward(ConvGeom g, float[] x, int n, float[] weight, float[] bias, float[] out) {
    int mPad = GemmBlocked.roundUp(g.oc, MR);
    float[] ap = ConvBuffers.get(ConvBuffers.WEIGHTS, (long) mPad * g.k);
    for (int pc = 0; pc < g.k; pc += KC) {
      GemmBlocked.packA(false, g.oc, Math.min(KC, g.k - pc), weight, 0, g.k, 0, pc, ap, pc * mPad);
    }
    int[] rowOff = new int[g.k]; // x offset of row (ci, a, b): ci h w + a w + b
    for (int p = 0; p < g.k; p++) {
      rowOff[p] = p / (g.kh * g.kw) * g.h * g.w + p % (g.kh * g.kw) / g.kw * g.w + p % g.kw;
    }
    int panels = (int) (((long) n * g.sp + NR - 1) / NR);
    Parallel.IntRangeBody body = (q0, q1) -> panels(g, x, n, ap, rowOff, bias, out, q0, q1);
    if ((long) g.oc * g.k * g.sp * n < PARALLEL_WORK) {
      body.run(0, panels);
    } else {
      Parallel.forRange(panels, body);
    }
  }

  /**
   * Output columns [16 q0, 16 q1) for all channels. A panel's columns split into segments, each
   * a run of output positions in one output row of one sample: in the image, a row of the panel
   * is then one contiguous (stride 1) or strided read per segment.
   */
  private static void panels(ConvGeom g, float[] x, int n, float[] ap, int[] rowOff,
      float[] bias, float[] out, int q0, int q1) {
    float[] buf = ConvBuffers.get(ConvBuffers.PANEL, (long) (Math.min(KC, g.k) + MR) * NR);
    int tile = Math.min(KC, g.k) * NR; // the 4 x 16 tile of edge micro-tiles sits after the panel
    int mPad = GemmBlocked.roundUp(g.oc, MR);
    int cols = n * g.sp;
    int end = Math.min(cols, q1 * NR);
    int filled = q0 * NR; // columns below this hold their bias
    int[] colOut = new int[NR]; // out index of channel 0 at each column of the panel
    int[] segDst = new int[NR]; // first column of each segment in the panel
    int[] segLen = new int[NR];
    int[] segY = new int[NR]; // input row of kernel row 0
    int[] segX = new int[NR]; // input column of kernel column 0
    int[] segSrc = new int[NR]; // x index of (channel 0, kernel row 0, kernel column 0)
    // sample, output row and output column of the next column, stepped without divisions
    int sample = q0 * NR / g.sp;
    int oi = (q0 * NR - sample * g.sp) / g.ow;
    int oj = q0 * NR - sample * g.sp - oi * g.ow;
    for (int q = q0; q < q1; q++) {
      int col0 = q * NR;
      int nr = Math.min(NR, cols - col0);
      boolean direct = nr == NR && oi * g.ow + oj + NR <= g.sp; // in one sample: write out
      int segs = 0;
      boolean inside = true; // no segment reads the padding
      for (int col = col0; col < col0 + nr; ) {
        int len = Math.min(g.ow - oj, col0 + nr - col);
        int y = oi * g.sh - g.ph;
        int xc = oj * g.sw - g.pw;
        segDst[segs] = col - col0;
        segLen[segs] = len;
        segY[segs] = y;
        segX[segs] = xc;
        segSrc[segs] = sample * g.inSize + y * g.w + xc;
        segs++;
        inside &= y >= 0 && y + g.kh <= g.h && xc >= 0 && xc + (len - 1) * g.sw + g.kw <= g.w;
        int o = sample * g.outSize + oi * g.ow + oj;
        for (int t = 0; t < len; t++) {
          colOut[col - col0 + t] = o + t;
        }
        col += len;
        oj += len;
        if (oj == g.ow) {
          oj = 0;
          if (++oi == g.oh) {
            oi = 0;
            sample++;
          }
        }
      }
      while (filled < col0 + nr) {
        filled = fillBias(g, bias, out, filled, end);
      }
      for (int pc = 0; pc < g.k; pc += KC) {
        int kc = Math.min(KC, g.k - pc);
        if (inside && g.sw == 1) {
          packInside(x, rowOff, pc, kc, segs, segDst, segLen, segSrc, buf);
        } else {
          packEdges(g, x, rowOff, pc, kc, segs, segDst, segLen, segY, segX, segSrc, buf);
        }
        if (nr < NR) {
          for (int p = 0; p < kc; p++) {
            Arrays.fill(buf, p * NR + nr, (p + 1) * NR, 0f);
          }
        }
        for (int ir = 0; ir < g.oc; ir += MR) {
          int mr = Math.min(MR, g.oc - ir);
          // One call site, as in GemmBlocked.macro; edge tiles go through the zeroed tile.
          boolean full = direct && mr == MR;
          if (!full) {
            Arrays.fill(buf, tile, tile + MR * NR, 0f);
          }
          GemmMicro.kernel(kc, ap, pc * mPad + ir * kc, buf, 0, full ? out : buf,
              full ? colOut[0] + ir * g.sp : tile, full ? g.sp : NR);
          if (!full) {
            for (int r = 0; r < mr; r++) {
              int f = (ir + r) * g.sp;
              for (int j = 0; j < nr; j++) {
                out[colOut[j] + f] += buf[tile + r * NR + j];
              }
            }
          }
        }
      }
    }
  }

  /**
   * Writes every channel's bias (or 0) into the columns from col to the end of its sample or to
   * end, whichever is first, and returns where it stopped. Filling a sample's part ahead, channel
   * row by row, writes the output in long runs; filling each panel's 16-column strips of oc rows
   * instead made lenet5's conv1 about 20% slower (cache misses on first touch).
   */
  private static int fillBias(ConvGeom g, float[] bias, float[] out, int col, int end) {
    int s = col / g.sp;
    int pos = col - s * g.sp;
    int len = Math.min(g.sp - pos, end - col);
    for (int f = 0; f < g.oc; f++) {
      int o = s * g.outSize + f * g.sp + pos;
      Arrays.fill(out, o, o + len, bias == null ? 0f : bias[f]);
    }
    return col + len;
  }

  /**
   * Packs rows [pc, pc + kc) of the panel into buf[p * 16 + j] when the stride is 1 and no
   * segment touches the padding: row p of a segment is then the len floats at x[src + rowOff[p]]
   * (rowOff: where row (ci, a, b) of W's k order starts in a sample). A segment of 8 to 16 floats
   * is two 8-float copies, the second ending at its end (overlapping when len < 16).
   */
  private static void packInside(float[] x, int[] rowOff, int pc, int kc, int segs,
      int[] segDst, int[] segLen, int[] segSrc, float[] buf) {
    for (int s = 0; s < segs; s++) {
      int src = segSrc[s];
      int dst = segDst[s];
      int len = segLen[s];
      if (len >= L) {
        int tail = len - L;
        for (int p = 0; p < kc; p++, dst += NR) {
          int o = src + rowOff[pc + p];
          FloatVector.fromArray(S, x, o).intoArray(buf, dst);
          FloatVector.fromArray(S, x, o + tail).intoArray(buf, dst + tail);
        }
      } else {
        for (int p = 0; p < kc; p++, dst += NR) {
          int o = src + rowOff[pc + p];
          for (int t = 0; t < len; t++) {
            buf[dst + t] = x[o + t];
          }
        }
      }
    }
  }

  /** As packInside for any stride and padding: element by element, zeros in the padding. */
  private static void packEdges(ConvGeom g, float[] x, int[] rowOff, int pc, int kc, int segs,
      int[] segDst, int[] segLen, int[] segY, int[] segX, int[] segSrc, float[] buf) {
    for (int p = 0; p < kc; p++) {
      int a = (pc + p) % (g.kh * g.kw) / g.kw;
      int b = (pc + p) % g.kw;
      for (int s = 0; s < segs; s++) {
        int dst = p * NR + segDst[s];
        int len = segLen[s];
        int y = segY[s] + a;
        for (int t = 0; t < len; t++) {
          int xc = segX[s] + t * g.sw + b;
          boolean in = y >= 0 && y < g.h && xc >= 0 && xc < g.w;
          buf[dst + t] = in ? x[segSrc[s] + rowOff[pc + p] + t * g.sw] : 0f;
        }
      }
    }
  }
}
