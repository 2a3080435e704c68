package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.whittle.InputException;
import dev.whittle.nn.SharedWeights;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

class CodebookCodecTest {
  /** A codebook as the codec sees one. */
  record Book(int bits, float[] centroids, int[] clusters) implements SharedWeights {}

  /** n weights, a fraction {@code density} of them non-zero, indices skewed toward the middle. */
  static Book random(long seed, int n, double density, int bits) {
    Rng r = new Rng(seed);
    int k = 1 << bits;
    float[] c = new float[k];
    for (int j = 0; j < k; j++) {
      c[j] = (float) ((j - k / 2 + 0.5) * 0.01 + r.normal() * 1e-4);
    }
    int[] cl = new int[n];
    for (int i = 0; i < n; i++) {
      cl[i] = r.uniform() < density
          ? (int) Math.max(0, Math.min(k - 1, Math.round(k / 2.0 + r.normal() * k / 6.0))) : -1;
    }
    return new Book(bits, c, cl);
  }

  private static float[] values(Book b) {
    float[] v = new float[b.clusters().length];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.clusters()[i] < 0 ? 0f : b.centroids()[b.clusters()[i]];
    }
    return v;
  }

  private static void assertRoundTrip(Book b, byte[] payload) {
    CodebookCodec.Decoded d = CodebookCodec.decode(payload, b.clusters().length, "t");
    assertArrayEquals(b.clusters(), d.clusters());
    assertArrayEquals(b.centroids(), d.centroids());
    float[] v = values(b);
    for (int i = 0; i < v.length; i++) {
      assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(d.values()[i]));
    }
  }

  @Test
  void everyCodingRoundTripsBitForBit() {
    Book[] books = {random(1, 20_000, 0.08, 5), random(2, 3000, 1.0, 4), random(3, 5000, 0.5, 8),
        random(4, 70_000, 0.99, 16), random(5, 1000, 0.01, 1), random(6, 10, 0.0, 2),
        new Book(3, new float[] {0.5f}, new int[] {-1, 0, -1, -1, 0})};
    for (Book b : books) {
      for (int coding = -1; coding <= CodebookCodec.DEFLATE; coding++) {
        assertRoundTrip(b, CodebookCodec.encode(b, coding));
      }
      byte[] best = CodebookCodec.encode(b);
      for (int coding = 0; coding <= CodebookCodec.DEFLATE; coding++) {
        assertTrue(best.length <= CodebookCodec.encode(b, coding).length, "the smallest is kept");
      }
    }
  }

  @Test
  void fillersBridgeLongGaps() {
    int[] cl = new int[1000];
    java.util.Arrays.fill(cl, -1);
    cl[2] = 1;
    cl[3] = 0;
    cl[3 + 1 + 15 + 4] = 1; // 19 zeros after cl[3]: one 4-bit filler (15) then gap 4
    cl[999] = 0;
    // Alphabet 16: symbol 15 is the filler. 975 zeros before cl[999]: 65 fillers, then gap 0.
    int[] expected = new int[4 + 65 + 1];
    System.arraycopy(new int[] {2, 0, 15, 4}, 0, expected, 0, 4);
    java.util.Arrays.fill(expected, 4, 69, 15);
    expected[69] = 0;
    assertArrayEquals(expected, CodebookCodec.gaps(cl, 4));
    assertRoundTrip(new Book(1, new float[] {-1f, 2f}, cl),
        CodebookCodec.encode(new Book(1, new float[] {-1f, 2f}, cl)));
  }

  @Test
  void aPrunedLayerCostsAboutItsEntropy() {
    // 8% density at 5 bits: gaps of a geometric law and indices skewed toward the middle.
    Book b = random(7, 235_200, 0.08, 5);
    byte[] p = CodebookCodec.encode(b);
    int[] index = java.util.Arrays.stream(b.clusters()).filter(c -> c >= 0).toArray();
    double entropy = entropyBits(CodebookCodec.gaps(b.clusters(), 8), 256) + entropyBits(index, 32);
    double bitsPerWeight = 8.0 * p.length / index.length;
    System.out.printf("8%% of 235,200 weights at 5 bits: %d bytes, %.3f bits per non-zero, the"
        + " streams' entropy %.3f (%s)%n", p.length, bitsPerWeight, entropy / index.length,
        CodebookCodec.label(p));
    assertTrue(8.0 * p.length < entropy * 1.02 + 8 * 400, "within 2% of the entropy");
    assertTrue(CodebookCodec.label(p).equals("codebook5+huffman"), CodebookCodec.label(p));
  }

  /** Bits of the zero-order entropy of a symbol stream. */
  private static double entropyBits(int[] symbols, int alphabet) {
    long[] f = new long[alphabet];
    for (int s : symbols) {
      f[s]++;
    }
    double h = 0;
    for (long c : f) {
      if (c > 0) {
        h -= c * Math.log((double) c / symbols.length) / Math.log(2);
      }
    }
    return h;
  }

  /** Every bit flip and every truncation gives an InputException or a valid decode, never more. */
  @Test
  void damagedPayloadsFailCleanly() {
    Book b = random(8, 600, 0.3, 3);
    for (int coding = 0; coding <= CodebookCodec.DEFLATE; coding++) {
      byte[] good = CodebookCodec.encode(b, coding);
      for (int i = 0; i < good.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] bad = good.clone();
          bad[i] ^= (byte) (1 << bit);
          decodesOrRejects(bad, 600, "coding " + coding + " flip " + i + "." + bit);
        }
      }
      for (int len = 0; len < good.length; len++) {
        decodesOrRejects(java.util.Arrays.copyOf(good, len), 600, "cut at " + len);
      }
      decodesOrRejects(java.util.Arrays.copyOf(good, good.length + 1), 600, "one byte more");
      decodesOrRejects(good, 599, "one element fewer");
    }
    Rng r = new Rng(9);
    for (int t = 0; t < 2000; t++) {
      byte[] junk = new byte[r.nextInt(64)];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = (byte) r.nextInt(256);
      }
      if (junk.length > 2) {
        junk[0] = (byte) (1 + r.nextInt(16));
        junk[1] = (byte) r.nextInt(9);
      }
      decodesOrRejects(junk, 1 + r.nextInt(100), "junk " + t);
    }
  }

  @Test
  void hugeClaimsAreRejectedBeforeAllocating() {
    byte[] p = CodebookCodec.encode(random(10, 100, 0.5, 2));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(2, -1); // 4 billion centroids
    assertEquals("t: 4294967295 centroids do not fit 2-bit indices", message(p, 100));
    p = CodebookCodec.encode(random(10, 100, 0.5, 2));
    java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(10, 2_000_000_000);
    assertTrue(message(p, 100).contains("gap symbols cannot place"), message(p, 100));
    // A tensor of 2^30 elements claimed with an 8-byte section: refused before its arrays.
    assertTrue(message(p, 1 << 30).startsWith("t: "));
  }

  private static String message(byte[] p, long elements) {
    try {
      CodebookCodec.decode(p, elements, "t");
      return "accepted";
    } catch (InputException e) {
      return e.getMessage();
    }
  }

  private static void decodesOrRejects(byte[] p, long elements, String what) {
    try {
      CodebookCodec.Decoded d = CodebookCodec.decode(p, elements, "t");
      assertEquals(elements, d.values().length, what);
    } catch (InputException e) {
      if (!e.getMessage().startsWith("t: ") || e.getMessage().contains("\n")) {
        fail(what + ": bad message " + e.getMessage());
      }
    } catch (Throwable t) {
      throw new AssertionError(what + ": threw " + t, t);
    }
  }
}
