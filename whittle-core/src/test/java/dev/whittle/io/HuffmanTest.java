package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

class HuffmanTest {
  @Test
  void handExample() {
    // a:5 b:2 c:1 d:1 -> lengths 1, 2, 3, 3; canonical codes 0, 10, 110, 111.
    int[] len = Huffman.lengths(new long[] {5, 2, 1, 1});
    assertArrayEquals(new int[] {1, 2, 3, 3}, len);
    assertArrayEquals(new int[] {0b0, 0b10, 0b110, 0b111}, Huffman.codes(len));
    // An unused symbol gets no code; equal frequencies give a balanced code.
    assertArrayEquals(new int[] {2, 0, 2, 2, 2}, Huffman.lengths(new long[] {3, 0, 3, 3, 3}));
  }

  @Test
  void singleSymbolGetsOneBit() {
    assertArrayEquals(new int[] {0, 0, 1}, Huffman.lengths(new long[] {0, 0, 9}));
    int[] s = new int[100];
    java.util.Arrays.fill(s, 2);
    assertArrayEquals(s, roundTrip(s, 3));
  }

  @Test
  void skewedFrequenciesAreLimitedTo24Bits() {
    long[] fib = new long[40]; // Fibonacci frequencies make a Huffman code 39 bits deep
    fib[0] = 1;
    fib[1] = 1;
    for (int i = 2; i < fib.length; i++) {
      fib[i] = fib[i - 1] + fib[i - 2];
    }
    int[] len = Huffman.lengths(fib);
    long kraft = 0;
    int max = 0;
    for (int l : len) {
      assertTrue(l >= 1);
      max = Math.max(max, l);
      kraft += 1L << (Huffman.LIMIT - l);
    }
    assertTrue(max <= Huffman.LIMIT, "max " + max);
    assertTrue(kraft <= 1L << Huffman.LIMIT, "a prefix code");
    int[] symbols = new int[2000];
    Rng r = new Rng(1);
    for (int i = 0; i < symbols.length; i++) {
      symbols[i] = r.uniform() < 0.9 ? 39 : r.nextInt(40);
    }
    assertArrayEquals(symbols, roundTrip(symbols, 40, len));
  }

  @Test
  void randomStreamsRoundTripAndCostNoMoreThanTheEntropyPlusOneBit() {
    Rng r = new Rng(2);
    for (int alphabet : new int[] {2, 17, 256, 65536}) {
      int[] s = new int[5000];
      for (int i = 0; i < s.length; i++) {
        s[i] = (int) Math.min(alphabet - 1, Math.floor(-Math.log(1 - r.uniform()) * 3));
      }
      assertArrayEquals(s, roundTrip(s, alphabet));
      long[] f = new long[alphabet];
      for (int v : s) {
        f[v]++;
      }
      int[] len = Huffman.lengths(f);
      double bits = 0;
      double entropy = 0;
      for (int v = 0; v < alphabet; v++) {
        if (f[v] > 0) {
          double p = (double) f[v] / s.length;
          bits += f[v] * len[v];
          entropy -= f[v] * Math.log(p) / Math.log(2);
        }
      }
      assertTrue(bits <= entropy + s.length, alphabet + ": " + bits + " bits, entropy " + entropy);
    }
  }

  private static int[] roundTrip(int[] symbols, int alphabet) {
    long[] f = new long[alphabet];
    for (int v : symbols) {
      f[v]++;
    }
    return roundTrip(symbols, alphabet, Huffman.lengths(f));
  }

  private static int[] roundTrip(int[] symbols, int alphabet, int[] len) {
    int[] code = Huffman.codes(len);
    BitWriter w = new BitWriter();
    Huffman.writeTable(w, len);
    for (int s : symbols) {
      w.write(code[s], len[s]);
    }
    byte[] b = w.toBytes();
    BitReader r = new BitReader(b, 0, b.length, "t");
    int[] back = Huffman.readTable(r, alphabet, "t");
    assertArrayEquals(len, back);
    Huffman.Decoder d = new Huffman.Decoder(back, "t");
    int[] out = new int[symbols.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = d.decode(r);
    }
    assertTrue(r.remaining() < 8);
    return out;
  }

  private static int[] table(byte[] b, int alphabet) {
    return Huffman.readTable(new BitReader(b, 0, b.length, "t"), alphabet, "t");
  }

  @Test
  void hostileTablesAreRejected() {
    BitWriter w = new BitWriter();
    w.write(1, 5); // three codes of one bit: over-subscribed
    w.write(1, 5);
    w.write(1, 5);
    byte[] b = w.toBytes();
    assertThrows(InputException.class, () -> table(b, 3));
    BitWriter w2 = new BitWriter();
    w2.write(25, 5); // longer than the limit
    byte[] b2 = w2.toBytes();
    assertThrows(InputException.class, () -> table(b2, 1));
    BitWriter w3 = new BitWriter();
    w3.write(31, 5); // a run of 3 + 200 unused symbols in an alphabet of 10
    w3.write(200, 8);
    byte[] b3 = w3.toBytes();
    assertThrows(InputException.class, () -> table(b3, 10));
    // An unused code: only symbol 0 has one, "1" decodes to nothing.
    Huffman.Decoder d = new Huffman.Decoder(new int[] {1, 0}, "t");
    byte[] ones = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    assertThrows(InputException.class, () -> d.decode(new BitReader(ones, 0, 4, "t")));
    assertThrows(InputException.class, () -> d.decode(new BitReader(ones, 0, 0, "t")));
  }
}
