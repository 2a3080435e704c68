package dev.whittle.eval;

import dev.whittle.io.CodebookCodec;
import dev.whittle.io.Encoding;
import dev.whittle.io.ModelFile;
import dev.whittle.io.QuantCodec;
import dev.whittle.io.SparseCodec;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.SharedWeights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a compressed model's weight bytes go, per layer, in the columns of Deep Compression's
 * Tables 2 and 3 (Han et al. 2016): weights, the fraction kept by pruning (P), bits per weight and
 * per position index after sharing (P+Q) and after entropy coding (P+Q+H), and the compression
 * rate of each, as stored bytes over 32-bit dense weights. Biases are left out, as in the paper;
 * the whole file's ratio is the model's compression ratio.
 */
public final class StorageTable {
  private StorageTable() {}

  /**
   * One layer's weight matrix. Bit columns are null where they do not apply: a matrix that is not
   * shared has no codebook, a dense one no positions.
   *
   * @param weightBits bits per non-zero weight as shared (P+Q): the codebook's index width
   * @param weightBitsCoded bits per non-zero weight as stored (P+Q+H)
   * @param indexBits bits per non-zero weight for its position before entropy coding (P+Q)
   * @param indexBitsCoded bits per non-zero weight for its position as stored (P+Q+H)
   * @param rawBytes the bytes before entropy coding (P+Q)
   * @param bytes the bytes as stored (P+Q+H)
   */
  public record Row(String layer, long weights, long nonzeros, Double weightBits,
      Double weightBitsCoded, Double indexBits, Double indexBitsCoded, long rawBytes,
      long bytes) {
    /** The fraction of weights kept (P). */
    public double kept() {
      return weights == 0 ? 0 : (double) nonzeros / weights;
    }

    /** Stored bytes before entropy coding over 32-bit dense weights. */
    public double rawRate() {
      return rawBytes / (4.0 * weights);
    }

    /** Stored bytes over 32-bit dense weights. */
    public double rate() {
      return bytes / (4.0 * weights);
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("layer", layer);
      m.put("weights", weights);
      m.put("nonzeros", nonzeros);
      m.put("kept", kept());
      m.put("weight_bits", weightBits);
      m.put("weight_bits_coded", weightBitsCoded);
      m.put("index_bits", indexBits);
      m.put("index_bits_coded", indexBitsCoded);
      m.put("raw_bytes", rawBytes);
      m.put("bytes", bytes);
      m.put("raw_rate", rawRate());
      m.put("rate", rate());
      return m;
    }
  }

  /** One row per weight matrix, in graph order, then a total row named "total". */
  public static List<Row> of(Model model) {
    List<Row> rows = new ArrayList<>();
    Graph g = model.graph();
    for (Graph.Node node : g.nodes()) {
      for (Parameter p : node.layer().parameters()) {
        if (p.name().equals("weight")) {
          rows.add(row(node.name(), p));
        }
      }
    }
    rows.add(total(rows));
    return rows;
  }

  private static Row row(String layer, Parameter p) {
    float[] v = p.value().data();
    long nonzeros = 0;
    for (float x : v) {
      nonzeros += x != 0f ? 1 : 0;
    }
    long weights = v.length;
    Encoding e = ModelFile.storedEncoding(p);
    long bytes = ModelFile.storedBytes(p);
    SharedWeights s = ModelFile.shared(p);
    if (e == Encoding.CODEBOOK && s != null) {
      CodebookCodec.Stats st = CodebookCodec.stats(CodebookCodec.encode(s));
      double n = Math.max(1, st.entries());
      return new Row(layer, weights, nonzeros, (double) st.bits(), 8.0 * st.indexBytes() / n,
          st.gapBits() == 0 ? null : (double) st.gapSymbols() * st.gapBits() / n,
          st.gapBits() == 0 ? null : 8.0 * st.positionBytes() / n, st.rawBytes(), bytes);
    }
    double bits = e == Encoding.QUANT || e == Encoding.SPARSE_QUANT
        ? dev.whittle.compress.quantize.Quantization.bits(p) : 32.0;
    if (e == Encoding.SPARSE_F32 || e == Encoding.SPARSE_QUANT) {
      // One-byte relative gaps beside each float or code (Deep Compression's section 2 without
      // sharing).
      long entries = e == Encoding.SPARSE_F32 ? SparseCodec.entries(v) : QuantCodec.entries(v);
      double n = Math.max(1, nonzeros);
      return new Row(layer, weights, nonzeros, bits, bits, 8.0 * entries / n,
          8.0 * entries / n, bytes, bytes);
    }
    return new Row(layer, weights, nonzeros, bits, bits, null, null, bytes, bytes);
  }

  private static Row total(List<Row> rows) {
    long w = 0;
    long nz = 0;
    long raw = 0;
    long bytes = 0;
    for (Row r : rows) {
      w += r.weights();
      nz += r.nonzeros();
      raw += r.rawBytes();
      bytes += r.bytes();
    }
    return new Row("total", w, nz, null, null, null, null, raw, bytes);
  }
}
