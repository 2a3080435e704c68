package dev.whittle.io;

import dev.whittle.InputException;
import java.util.PriorityQueue;

/**
 * Canonical Huffman codes (Huffman 1952; canonical assignment as in deflate, RFC 1951 section
 * 3.2.2), as Deep Compression entropy-codes its indices and gaps (Han et al. 2016, section 4).
 * Codes are at most {@link #LIMIT} bits long, so the decoder's tables have a fixed size whatever
 * the input; a code is stored as its lengths alone.
 *
 * <p>The length table, for an alphabet of A symbols known to both sides, is A 5-bit fields in
 * symbol order: 0 for an unused symbol, 1..{@value #LIMIT} for a code length; the field 31
 * followed by 8 bits r stands for r + 3 unused symbols. A code with a single symbol gives it one
 * bit.
 */
final class Huffman {
  /** The longest code. */
  static final int LIMIT = 24;

  private static final int RUN = 31;
  private static final int MIN_RUN = 3;
  private static final int MAX_RUN = MIN_RUN + 255;

  private Huffman() {}

  /**
   * Code lengths for symbol frequencies: a Huffman code, or, when that needs codes longer than
   * {@link #LIMIT}, the Huffman code of the frequencies halved (rounding up) until it does not.
   * Ties break by node order, so the same frequencies always give the same lengths.
   */
  static int[] lengths(long[] freq) {
    long[] f = freq.clone();
    while (true) {
      int[] len = unlimited(f);
      int max = 0;
      for (int l : len) {
        max = Math.max(max, l);
      }
      if (max <= LIMIT) {
        return len;
      }
      for (int i = 0; i < f.length; i++) {
        f[i] = (f[i] + 1) / 2;
      }
    }
  }

  private static int[] unlimited(long[] f) {
    int a = f.length;
    int[] len = new int[a];
    long[] weight = new long[2 * a];
    int[] parent = new int[2 * a];
    PriorityQueue<Integer> q = new PriorityQueue<>((x, y) -> weight[x] != weight[y]
        ? Long.compare(weight[x], weight[y]) : Integer.compare(x, y));
    for (int s = 0; s < a; s++) {
      if (f[s] > 0) {
        weight[s] = f[s];
        q.add(s);
      }
    }
    if (q.size() == 1) {
      len[q.peek()] = 1;
      return len;
    }
    int next = a;
    while (q.size() > 1) {
      int x = q.poll();
      int y = q.poll();
      weight[next] = weight[x] + weight[y];
      parent[x] = next;
      parent[y] = next;
      q.add(next++);
    }
    int root = next - 1;
    int[] depth = new int[2 * a];
    for (int n = root - 1; n >= 0; n--) { // parents have higher ids than their children
      if (n >= a || f[n] > 0) {
        depth[n] = depth[parent[n]] + 1;
      }
    }
    for (int s = 0; s < a; s++) {
      len[s] = f[s] > 0 ? depth[s] : 0;
    }
    return len;
  }

  /** The canonical code of each symbol (its low len[s] bits), from the lengths. */
  static int[] codes(int[] len) {
    int[] count = new int[LIMIT + 1];
    for (int l : len) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = new int[LIMIT + 1];
    int code = 0;
    for (int bits = 1; bits <= LIMIT; bits++) {
      code = (code + count[bits - 1]) << 1;
      next[bits] = code;
    }
    int[] codes = new int[len.length];
    for (int s = 0; s < len.length; s++) {
      if (len[s] > 0) {
        codes[s] = next[len[s]]++;
      }
    }
    return codes;
  }

  /** Bits of the stored length table. */
  static long tableBits(int[] len) {
    BitWriter w = new BitWriter();
    writeTable(w, len);
    return w.bits();
  }

  static void writeTable(BitWriter w, int[] len) {
    int s = 0;
    while (s < len.length) {
      int run = 0;
      while (s + run < len.length && len[s + run] == 0 && run < MAX_RUN) {
        run++;
      }
      if (run >= MIN_RUN) {
        w.write(RUN, 5);
        w.write(run - MIN_RUN, 8);
        s += run;
      } else {
        w.write(len[s], 5);
        s++;
      }
    }
  }

  /** Reads the lengths of an alphabet of {@code a} symbols, checking that they form a code. */
  static int[] readTable(BitReader r, int a, String where) {
    int[] len = new int[a];
    int s = 0;
    while (s < a) {
      int v = r.read(5);
      if (v == RUN) {
        int run = r.read(8) + MIN_RUN;
        if (run > a - s) {
          throw new InputException(where + ": Huffman table runs past its " + a + " symbols");
        }
        s += run;
      } else if (v > LIMIT) {
        throw new InputException(where + ": Huffman code length " + v + " is above " + LIMIT);
      } else {
        len[s++] = v;
      }
    }
    long kraft = 0; // sum of 2^(LIMIT - len): at most 2^LIMIT for a prefix code
    for (int l : len) {
      if (l > 0) {
        kraft += 1L << (LIMIT - l);
      }
    }
    if (kraft > 1L << LIMIT) {
      throw new InputException(where + ": Huffman code lengths are over-subscribed");
    }
    return len;
  }

  /**
   * Decodes canonical codes bit by bit with per-length counts (as zlib's puff.c does): tables of
   * {@link #LIMIT} + 1 counts and one entry per symbol, whatever the input.
   */
  static final class Decoder {
    private final int[] count = new int[LIMIT + 1];
    private final int[] symbol; // by length, then by symbol
    private final String where;

    Decoder(int[] len, String where) {
      this.where = where;
      int used = 0;
      for (int l : len) {
        count[l]++;
        used += l > 0 ? 1 : 0;
      }
      count[0] = 0;
      symbol = new int[used];
      int[] offset = new int[LIMIT + 2];
      for (int l = 1; l <= LIMIT; l++) {
        offset[l + 1] = offset[l] + count[l];
      }
      for (int s = 0; s < len.length; s++) {
        if (len[s] > 0) {
          symbol[offset[len[s]]++] = s;
        }
      }
    }

    int decode(BitReader r) {
      int code = 0;
      int first = 0;
      int index = 0;
      for (int l = 1; l <= LIMIT; l++) {
        code |= r.bit();
        int c = count[l];
        if (code - c < first) {
          return symbol[index + code - first];
        }
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw new InputException(where + ": invalid Huffman code");
    }
  }
}
