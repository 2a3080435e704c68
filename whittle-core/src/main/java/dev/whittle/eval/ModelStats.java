package dev.whittle.eval;

import dev.whittle.io.CodebookCodec;
import dev.whittle.io.Encoding;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/** Counts what a model holds and costs: parameters, non-zeros, bits, bytes, multiply-adds. */
public final class ModelStats {
  private ModelStats() {}

  /** Per-layer figures of a float32 model; layers without parameters or work are left out. */
  public static List<Metrics.LayerMetrics> layers(Model model) {
    Graph g = model.graph();
    List<Metrics.LayerMetrics> out = new ArrayList<>();
    for (int i = 0; i < g.nodes().size(); i++) {
      Graph.Node node = g.nodes().get(i);
      long params = 0;
      long nonzeros = 0;
      long bytes = 0;
      String encoding = "f32";
      int bits = 32;
      for (Parameter p : node.layer().parameters()) {
        params += p.size();
        for (float v : p.value().data()) {
          if (v != 0f) {
            nonzeros++;
          }
        }
        bytes += ModelFile.storedBytes(p);
        if (p.name().equals("weight")) {
          Encoding e = ModelFile.storedEncoding(p);
          if (e == Encoding.SPARSE_F32) {
            encoding = "sparse";
          } else if (e == Encoding.QUANT || e == Encoding.SPARSE_QUANT) {
            bits = dev.whittle.compress.quantize.Quantization.bits(p);
            encoding = (e == Encoding.SPARSE_QUANT ? "sparse int" : "int") + bits;
          } else if (e == Encoding.CODEBOOK) {
            bits = ModelFile.shared(p).bits();
            encoding = CodebookCodec.label(CodebookCodec.encode(ModelFile.shared(p)));
          }
        }
      }
      long macs = node.layer().macs(g.inputShapes(i));
      if (params == 0 && macs == 0) {
        continue;
      }
      out.add(new Metrics.LayerMetrics(node.name(), node.layer().kind(), params, nonzeros, bits,
          encoding, bytes, macs));
    }
    return out;
  }

  /** The metrics of a float model whose file has {@code bytes} bytes (null when not saved). */
  public static Metrics of(Model model, String name, String dataset, Double accuracy,
      Integer samples, Long bytes, Double trainSeconds) {
    long macs = model.graph().macs();
    return new Metrics(name, dataset, accuracy, samples, model.paramCount(),
        model.nonZeroParams(), bytes, macs, macs, trainSeconds, null, null, null, null,
        layers(model));
  }
}
