package dev.whittle.io;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.nn.SharedWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The payload of {@link Encoding#CODEBOOK}: shared weights as Deep Compression stores them (Han
 * et al. 2016, sections 2 to 4), the positions of the non-zero weights as relative gaps, one
 * b-bit index per non-zero weight, and the k centroids, the two streams each entropy-coded:
 *
 * <pre>
 *   u8  bits      b, 1..16: an index is below 2^b
 *   u8  gapBits   w, 1..8, the gap alphabet 2^w; 0 when every weight is non-zero (no positions)
 *   u32 k         centroids, 1..2^b
 *   u32 n         non-zero weights (entries), at most the tensor's elements
 *   u32 gaps      symbols of the position stream (n entries plus fillers); 0 when w is 0
 *   f32 centroid[k]
 *   section       positions (when w > 0): the gap symbols, alphabet 2^w, raw width w
 *   section       indices: n symbols, alphabet 2^b, raw width b
 * </pre>
 *
 * A gap symbol s below 2^w - 1 places the next entry s + 1 positions after the previous one (the
 * first at position s); the symbol 2^w - 1 is a filler, which skips 2^w - 1 positions and has no
 * index. A section is {@code u8 coding, u32 bytes, body}: coding 0 packs each symbol in the raw
 * width, 1 is a canonical {@link Huffman} code (its length table, then the codes), 2 is a raw
 * deflate stream (RFC 1951) of the symbols as bytes (two bytes, little-endian, when the alphabet
 * is above 256). The writer tries every gap width and keeps, per section, whichever coding is
 * smallest; bit fields are read most significant bit first. Decoding gives back the centroids'
 * exact bits at the exact positions.
 */
public final class CodebookCodec {
  static final int RAW = 0;
  static final int HUFFMAN = 1;
  static final int DEFLATE = 2;
  private static final String[] CODINGS = {"raw", "huffman", "deflate"};
  static final int HEADER_BYTES = 14;

  private CodebookCodec() {}

  /** A decoded payload: the codebook and the weights it gives. */
  public record Decoded(int bits, float[] centroids, int[] clusters, float[] values,
      String positionCoding, String indexCoding) {}

  /** One coded section. */
  private record Section(int coding, byte[] body) {
    int bytes() {
      return 5 + body.length;
    }
  }

  /** The payload of {@code s}, whose weights are {@code s.clusters()}'s centroids. */
  public static byte[] encode(SharedWeights s) {
    return encode(s, -1);
  }

  /** The payload with every section in {@code coding}, or each in its smallest when -1. */
  static byte[] encode(SharedWeights s, int coding) {
    int bits = s.bits();
    float[] centroids = s.centroids();
    int[] clusters = s.clusters();
    int n = 0;
    for (int c : clusters) {
      n += c >= 0 ? 1 : 0;
    }
    int[] index = new int[n];
    int j = 0;
    for (int c : clusters) {
      if (c >= 0) {
        index[j++] = c;
      }
    }
    Section indices = best(index, 1 << bits, bits, coding);
    Section positions = null;
    int gapBits = 0;
    int gapCount = 0;
    if (n < clusters.length) {
      for (int w = 1; w <= 8; w++) {
        int[] gaps = gaps(clusters, w);
        Section p = best(gaps, 1 << w, w, coding);
        if (positions == null || p.bytes() < positions.bytes()) {
          positions = p;
          gapBits = w;
          gapCount = gaps.length;
        }
      }
    }
    int size = HEADER_BYTES + 4 * centroids.length + (positions == null ? 0 : positions.bytes())
        + indices.bytes();
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) bits).put((byte) gapBits).putInt(centroids.length).putInt(n).putInt(gapCount);
    for (float c : centroids) {
      b.putFloat(c);
    }
    if (positions != null) {
      put(b, positions);
    }
    put(b, indices);
    return b.array();
  }

  private static void put(ByteBuffer b, Section s) {
    b.put((byte) s.coding()).putInt(s.body().length).put(s.body());
  }

  /** The gap symbols of the non-zero positions (clusters[i] >= 0) with alphabet 2^w. */
  static int[] gaps(int[] clusters, int w) {
    int filler = (1 << w) - 1;
    long count = 0;
    int prev = -1;
    for (int i = 0; i < clusters.length; i++) {
      if (clusters[i] >= 0) {
        count += (i - prev - 1) / filler + 1;
        prev = i;
      }
    }
    int[] g = new int[Math.toIntExact(count)];
    int k = 0;
    prev = -1;
    for (int i = 0; i < clusters.length; i++) {
      if (clusters[i] >= 0) {
        int gap = i - prev - 1;
        for (; gap >= filler; gap -= filler) {
          g[k++] = filler;
        }
        g[k++] = gap;
        prev = i;
      }
    }
    return g;
  }

  /** The smallest coding of {@code symbols}: raw, Huffman or deflate, in that order on a tie. */
  private static Section best(int[] symbols, int alphabet, int width, int coding) {
    switch (coding) {
      case RAW -> {
        return raw(symbols, width);
      }
      case HUFFMAN -> {
        return huffman(symbols, alphabet);
      }
      case DEFLATE -> {
        return deflate(symbols, alphabet);
      }
      default -> { }
    }
    Section raw = raw(symbols, width);
    Section huffman = huffman(symbols, alphabet);
    Section deflate = deflate(symbols, alphabet);
    Section best = raw;
    if (huffman.bytes() < best.bytes()) {
      best = huffman;
    }
    if (deflate.bytes() < best.bytes()) {
      best = deflate;
    }
    return best;
  }

  private static Section raw(int[] symbols, int width) {
    BitWriter w = new BitWriter();
    for (int s : symbols) {
      w.write(s, width);
    }
    return new Section(RAW, w.toBytes());
  }

  private static Section huffman(int[] symbols, int alphabet) {
    long[] freq = new long[alphabet];
    for (int s : symbols) {
      freq[s]++;
    }
    int[] len = Huffman.lengths(freq);
    int[] code = Huffman.codes(len);
    BitWriter w = new BitWriter();
    Huffman.writeTable(w, len);
    for (int s : symbols) {
      w.write(code[s], len[s]);
    }
    return new Section(HUFFMAN, w.toBytes());
  }

  private static Section deflate(int[] symbols, int alphabet) {
    int per = alphabet > 256 ? 2 : 1;
    byte[] in = new byte[symbols.length * per];
    for (int i = 0; i < symbols.length; i++) {
      in[i * per] = (byte) symbols[i];
      if (per == 2) {
        in[i * per + 1] = (byte) (symbols[i] >>> 8);
      }
    }
    return new Section(DEFLATE, Deflate.deflate(in));
  }

  /**
   * What each coding of each section would cost, for reports: {@code positions (w=8): raw 8.2 KB,
   * huffman 6.1 KB, deflate 6.4 KB; indices: ...}, the kept coding marked with a star.
   */
  public static String sizes(SharedWeights s) {
    int[] clusters = s.clusters();
    int[] index = java.util.Arrays.stream(clusters).filter(c -> c >= 0).toArray();
    StringBuilder b = new StringBuilder();
    byte[] best = encode(s);
    int w = best[1];
    if (w > 0) {
      b.append("positions (").append(w).append("-bit gaps): ")
          .append(sizes(gaps(clusters, w), 1 << w, w)).append("; ");
    }
    b.append("indices (").append(s.bits()).append(" bits): ")
        .append(sizes(index, 1 << s.bits(), s.bits()));
    return b.toString();
  }

  private static String sizes(int[] symbols, int alphabet, int width) {
    Section[] all = {raw(symbols, width), huffman(symbols, alphabet), deflate(symbols, alphabet)};
    int kept = best(symbols, alphabet, width, -1).coding();
    StringBuilder b = new StringBuilder();
    for (Section x : all) {
      b.append(b.length() == 0 ? "" : ", ").append(CODINGS[x.coding()])
          .append(x.coding() == kept ? "* " : " ").append(x.bytes()).append(" B");
    }
    return b.toString();
  }

  /**
   * What a payload spends, for the Deep Compression table (Han et al. 2016, Tables 2 and 3).
   *
   * @param entries non-zero weights, each with one index
   * @param gapSymbols position symbols, fillers included (0 without positions)
   * @param rawBytes the two streams packed at their widths, b bits per index and w per gap
   *     symbol, plus the centroids: the size before entropy coding
   * @param positionBytes the position section as stored (0 without positions)
   * @param indexBytes the index section as stored
   * @param bytes the whole payload
   */
  public record Stats(int bits, int gapBits, int centroids, int entries, int gapSymbols,
      long rawBytes, long positionBytes, long indexBytes, long bytes) {}

  /** The figures of a payload written by {@link #encode}. */
  public static Stats stats(byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int bits = b.get() & 0xFF;
    int gapBits = b.get() & 0xFF;
    int k = b.getInt();
    int n = b.getInt();
    int gapCount = b.getInt();
    int at = HEADER_BYTES + 4 * k;
    long positions = 0;
    if (gapBits > 0) {
      positions = 5L + b.getInt(at + 1);
      at += (int) positions;
    }
    long indices = 5L + b.getInt(at + 1);
    long raw = ((long) n * bits + 7) / 8 + ((long) gapCount * gapBits + 7) / 8 + 4L * k;
    return new Stats(bits, gapBits, k, n, gapCount, raw, positions, indices, payload.length);
  }

  /** The coding names of a payload's sections ("huffman"), positions first; checked lightly. */
  public static String label(byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int bits = b.get() & 0xFF;
    int gapBits = b.get() & 0xFF;
    int k = b.getInt();
    int at = HEADER_BYTES + 4 * k;
    String idx;
    String pos = null;
    if (gapBits > 0) {
      pos = CODINGS[payload[at]];
      at += 5 + b.getInt(at + 1);
    }
    idx = CODINGS[payload[at]];
    String codings = pos == null || pos.equals(idx) ? idx : pos + "/" + idx;
    return "codebook" + bits + "+" + codings;
  }

  /** The weights of a payload for a tensor of {@code elements} values, every field checked. */
  public static Decoded decode(byte[] payload, long elements, String where) {
    if (payload.length < HEADER_BYTES) {
      throw new InputException(where + ": codebook payload of " + payload.length
          + " bytes is shorter than its " + HEADER_BYTES + "-byte header");
    }
    // Zeros between the gaps' symbols take few bits: the ceiling bounds the decoded tensor.
    Limits.checkTensor(where, elements, Float.BYTES);
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int bits = b.get() & 0xFF;
    int w = b.get() & 0xFF;
    long k = b.getInt() & 0xFFFFFFFFL;
    long n = b.getInt() & 0xFFFFFFFFL;
    long gapCount = b.getInt() & 0xFFFFFFFFL;
    if (bits < 1 || bits > 16) {
      throw new InputException(where + ": codebook index width " + bits + " is not in 1..16");
    }
    if (k < 1 || k > 1L << bits) {
      throw new InputException(where + ": " + k + " centroids do not fit " + bits + "-bit indices");
    }
    if (n > elements) {
      throw new InputException(where + ": " + n + " non-zero weights in a tensor of " + elements);
    }
    if (w > 8 || (w == 0) != (n == elements) || (w == 0 && gapCount != 0)) {
      throw new InputException(where + ": gap width " + w + " does not fit " + n
          + " non-zero weights of " + elements);
    }
    if (w > 0 && (gapCount < n || gapCount > n + elements / ((1 << w) - 1))) {
      throw new InputException(where + ": " + gapCount + " gap symbols cannot place " + n
          + " weights among " + elements);
    }
    if (HEADER_BYTES + 4 * k > payload.length) {
      throw new InputException(where + ": codebook payload of " + payload.length
          + " bytes cannot hold its " + k + " centroids");
    }
    float[] centroids = new float[(int) k];
    for (int c = 0; c < k; c++) {
      centroids[c] = b.getFloat();
      if (!Float.isFinite(centroids[c])) {
        throw new InputException(where + ": centroid " + c + " is not finite");
      }
    }
    int at = b.position();
    Read gaps = null;
    if (w > 0) {
      gaps = section(payload, at, gapCount, 1 << w, w, where + ": positions");
      at = gaps.end();
    }
    Read index = section(payload, at, n, 1 << bits, bits, where + ": indices");
    if (index.end() != payload.length) {
      throw new InputException(where + ": codebook payload has " + (payload.length - index.end())
          + " bytes after its sections");
    }
    int[] clusters = new int[(int) elements];
    float[] values = new float[(int) elements];
    java.util.Arrays.fill(clusters, -1);
    place(gaps == null ? null : gaps.symbols(), w, index.symbols(), centroids, clusters, values,
        where);
    return new Decoded(bits, centroids, clusters, values,
        gaps == null ? null : CODINGS[gaps.coding()], CODINGS[index.coding()]);
  }

  /** Puts each index at its position (every position when gaps is null), checking both. */
  private static void place(int[] gaps, int w, int[] index, float[] centroids, int[] clusters,
      float[] values, String where) {
    int filler = (1 << w) - 1;
    long pos = -1;
    int e = 0;
    int count = gaps == null ? index.length : gaps.length;
    for (int g = 0; g < count; g++) {
      if (gaps != null && gaps[g] == filler) {
        pos += filler;
        continue;
      }
      pos += gaps == null ? 1 : gaps[g] + 1;
      if (e >= index.length) {
        throw new InputException(where + ": position stream has more entries than its "
            + index.length + " indices");
      }
      if (pos >= clusters.length) {
        throw new InputException(where + ": weight " + e + " lies at position " + pos
            + ", past the tensor's " + clusters.length + " elements");
      }
      int c = index[e++];
      if (c >= centroids.length) {
        throw new InputException(where + ": index " + c + " at position " + pos
            + " is not one of the " + centroids.length + " centroids");
      }
      clusters[(int) pos] = c;
      values[(int) pos] = centroids[c];
    }
    if (e != index.length) {
      throw new InputException(where + ": position stream places " + e + " of "
          + index.length + " weights");
    }
  }

  /** A section's symbols, its coding and the offset after it. */
  private record Read(int[] symbols, int coding, int end) {}

  /**
   * Reads one section of {@code count} symbols, checking the count against the section's size
   * before allocating anything for it.
   */
  private static Read section(byte[] p, int at, long count, int alphabet, int width,
      String where) {
    if (p.length - at < 5) {
      throw new InputException(where + ": section header is missing");
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new InputException(where + ": " + count + " symbols is too many");
    }
    int c = p[at] & 0xFF;
    long len = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getInt(at + 1) & 0xFFFFFFFFL;
    int from = at + 5;
    if (len > p.length - from) {
      throw new InputException(where + ": section claims " + len + " bytes, "
          + (p.length - from) + " remain");
    }
    int to = from + (int) len;
    int[] out;
    switch (c) {
      case RAW -> {
        long need = (count * width + 7) / 8;
        if (need != len) {
          throw new InputException(where + ": " + count + " symbols of " + width
              + " bits need " + need + " bytes, the section has " + len);
        }
        BitReader r = new BitReader(p, from, to, where);
        out = new int[(int) count];
        for (int i = 0; i < count; i++) {
          out[i] = r.read(width);
        }
      }
      case HUFFMAN -> {
        BitReader r = new BitReader(p, from, to, where);
        Huffman.Decoder d = new Huffman.Decoder(Huffman.readTable(r, alphabet, where), where);
        if (count > r.remaining()) { // every code has at least one bit
          throw new InputException(where + ": " + count + " symbols cannot fit in "
              + r.remaining() + " bits");
        }
        out = new int[(int) count];
        for (int i = 0; i < count; i++) {
          out[i] = d.decode(r);
        }
        if (r.remaining() >= 8) {
          throw new InputException(where + ": " + r.remaining() / 8
              + " bytes follow the last code");
        }
      }
      case DEFLATE -> {
        out = inflate(p, from, (int) len, (int) count, alphabet, where);
      }
      default -> throw new InputException(where + ": unknown section coding " + c);
    }
    return new Read(out, c, to);
  }

  private static int[] inflate(byte[] p, int from, int len, int count, int alphabet,
      String where) {
    int per = alphabet > 256 ? 2 : 1;
    byte[] buf = Deflate.inflate(p, from, len, (long) count * per, where);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      int s = buf[i * per] & 0xFF;
      if (per == 2) {
        s |= (buf[i * per + 1] & 0xFF) << 8;
      }
      if (s >= alphabet) {
        throw new InputException(where + ": symbol " + s + " is outside the alphabet of "
            + alphabet);
      }
      out[i] = s;
    }
    return out;
  }
}
