package dev.whittle.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.prune.Importance;
import dev.whittle.compress.prune.PruneSpec;
import dev.whittle.compress.prune.Pruner;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.DataSets;
import dev.whittle.data.Split;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.StorageTable;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.QuantizedWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pruned, then quantized models in .wtl files: their weights are stored as {@link
 * Encoding#SPARSE_QUANT}, smaller than {@link Encoding#QUANT}, and load back bit for bit; a dense
 * quantized model keeps QUANT.
 */
class SparseQuantFileTest {
  private static final String FILE = "q.wtl";
  private static final Split DIGITS = DataSets.load("digits", null);

  static Model quantized(double sparsity, boolean symmetric) {
    Model m = dev.whittle.nn.Architectures.build("mlp:64-48-32-10",
        DIGITS.train().sampleShape(), 10, 5);
    if (sparsity > 0) {
      Pruner.prune(m, Importance.magnitude(), PruneSpec.parse(Double.toString(sparsity), false),
          "magnitude");
    }
    QuantSpec s = new QuantSpec(QuantSpec.Mode.PTQ, 8, Map.of(), 0, true, Set.of(), symmetric,
        "minmax", 256, false, false);
    Model q = Quantization.prepare(m, s).model();
    Quantization.calibrate(q, DIGITS.train(), s, 64);
    Quantization.freeze(q);
    return q;
  }

  @Test
  void prunedThenQuantizedIsStoredSparseAndLoadsEveryBit() {
    for (boolean symmetric : new boolean[] {true, false}) {
      Model m = quantized(0.9, symmetric);
      WtlModel record = ModelFile.toRecord(m, Map.of());
      byte[] sparse = WtlWriter.toBytes(record);
      // The same model with every quantized weight written as QUANT, as before SPARSE_QUANT.
      List<TensorRecord> dense = new ArrayList<>();
      Map<String, Parameter> params = m.graph().parameters();
      int weights = 0;
      for (TensorRecord t : record.tensors()) {
        Parameter p = params.get(t.name()); // null for a buffer
        QuantizedWeights q = p == null ? null : p.constraint(QuantizedWeights.class);
        if (q == null) {
          dense.add(t);
          continue;
        }
        weights++;
        assertEquals(Encoding.SPARSE_QUANT, t.encoding(), t.name());
        assertEquals(Encoding.SPARSE_QUANT, ModelFile.storedEncoding(p), t.name());
        assertEquals(t.payload().length, ModelFile.storedBytes(p), t.name());
        dense.add(new TensorRecord(t.name(), Encoding.QUANT, t.shape(),
            QuantCodec.encode(Encoding.QUANT, q, p.value().data())));
      }
      assertEquals(3, weights);
      byte[] packed = WtlWriter.toBytes(new WtlModel(record.nodes(), dense, record.constraints(),
          record.state(), record.provenance()));
      assertTrue(sparse.length < packed.length / 2, sparse.length + " vs " + packed.length);
      for (byte[] file : List.of(sparse, packed)) {
        Model back = ModelFile.fromRecord(WtlReader.fromBytes(file, FILE), FILE).model();
        assertSameWeights(m, back);
        assertArrayEquals(sparse, WtlWriter.toBytes(ModelFile.toRecord(back, Map.of())));
      }
      Model back = ModelFile.fromBytes(sparse);
      assertEquals("sparse int8", encoding(back, "fc1"));
      StorageTable.Row fc1 = StorageTable.of(back).get(0);
      assertNotNull(fc1.indexBits());
      assertEquals(8.0, fc1.weightBits());
    }
  }

  private static String encoding(Model m, String layer) {
    return ModelStats.layers(m).stream().filter(l -> l.name().equals(layer)).findFirst()
        .orElseThrow().encoding();
  }

  private static void assertSameWeights(Model want, Model got) {
    Map<String, Parameter> before = want.graph().parameters();
    got.graph().parameters().forEach((name, p) -> {
      float[] a = before.get(name).value().data();
      float[] b = p.value().data();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), name + i);
      }
      assertEquals(before.get(name).constraints().size(), p.constraints().size(), name);
    });
  }

  @Test
  void aDenseQuantizedModelKeepsQuant() {
    Model m = quantized(0, true);
    int weights = 0;
    for (TensorRecord t : ModelFile.toRecord(m, Map.of()).tensors()) {
      Parameter p = m.graph().parameters().get(t.name()); // null for a buffer
      if (p != null && p.constraint(QuantizedWeights.class) != null) {
        assertEquals(Encoding.QUANT, t.encoding(), t.name());
        assertEquals(Encoding.QUANT, ModelFile.storedEncoding(p), t.name());
        weights++;
      }
    }
    assertEquals(3, weights);
    assertSameWeights(m, ModelFile.fromBytes(ModelFile.toBytes(m)));
    assertEquals("int8", encoding(m, "fc1"));
    assertNull(StorageTable.of(m).get(0).indexBits());
  }
}
