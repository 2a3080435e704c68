package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.share.Codebook;
import dev.whittle.compress.share.KMeans;
import dev.whittle.compress.share.ShareSpec;
import dev.whittle.compress.share.Sharing;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.SharedWeights;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import dev.whittle.plan.Plan;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Shared weights exported as a codebook and uint8 indices joined by Gather: ONNX Runtime gives
 * Whittle's outputs, the indices are the clusters, the file is about a quarter of the float
 * export, and importing it gives back the shared weights bit for bit.
 */
class OnnxGatherTest {
  static final int N = 128;

  /** A model pruned to 40% and shared at {@code bits} ("3,fc1=8": 8 bits for fc1). */
  static Model shared(Model m, String bits) {
    Models.prune(m, 0.6, 3);
    Sharing.shareInPlace(m, ShareSpec.parse(bits, KMeans.Init.LINEAR, 7));
    return m;
  }

  /** fc1 with a 9-bit codebook of 300 centroids, more than uint8 indices can name. */
  static Model wide(Model m) {
    Parameter w = m.graph().parameters().get("fc1.weight");
    float[] latent = w.latent().data();
    float[] centroids = new float[300];
    for (int c = 0; c < centroids.length; c++) {
      centroids[c] = (c - 150) / 256f;
    }
    int[] clusters = new int[latent.length];
    for (int i = 0; i < latent.length; i++) {
      clusters[i] = i % 7 == 0 ? -1 : (i * 31) % centroids.length;
      latent[i] = clusters[i] < 0 ? 0f : centroids[clusters[i]];
    }
    w.addConstraint(new Codebook(9, "linear", centroids, clusters));
    return m;
  }

  @Test
  void mlpAndCnnRunInOnnxRuntimeAsTheyDoInWhittle() {
    boolean wideSeen = false;
    for (Model m : new Model[] {shared(OnnxQdqTest.mlp(1), "3,fc1=6"),
        shared(OnnxQdqTest.cnn(2), "2"), wide(OnnxQdqTest.mlp(4))}) {
      byte[] onnx = OnnxExporter.standard().toBytes(m);
      float[] x = OnnxQdqTest.data(N, 5).x();
      float[] plan = Plan.compile(m).predict(x, N);
      float[] ort = Ort.run(onnx, x, N, OnnxQdqTest.IMAGE, Ort.Mode.NONE, null);
      float[] opt = Ort.run(onnx, x, N, OnnxQdqTest.IMAGE, Ort.Mode.ALL, null);
      float rel = OnnxQdqTest.relative(ort, plan);
      float relOpt = OnnxQdqTest.relative(opt, plan);
      System.out.printf("gather export: ORT vs plan %.2e (optimized %.2e)%n", rel, relOpt);
      assertTrue(rel < 1e-5f, "ORT vs plan " + rel);
      assertTrue(relOpt < 1e-5f, "optimized ORT vs plan " + relOpt);
      wideSeen |= checkIndices(m, OnnxQdqTest.parse(onnx));
    }
    assertTrue(wideSeen, "a layer with uint16 indices was exported");
  }

  /** Each shared weight is a Gather of its codebook by its clusters, pruned ones at index k. */
  static boolean checkIndices(Model m, ModelProto p) {
    Map<String, TensorProto> init = p.getGraph().getInitializerList().stream()
        .collect(Collectors.toMap(TensorProto::getName, t -> t));
    Map<String, NodeProto> byOutput = p.getGraph().getNodeList().stream()
        .collect(Collectors.toMap(n -> n.getOutput(0), n -> n));
    int checked = 0;
    boolean wide = false;
    for (Map.Entry<String, Parameter> e : m.graph().parameters().entrySet()) {
      SharedWeights s = SharedGather.shared(e.getValue());
      if (s == null) {
        continue;
      }
      String name = e.getKey();
      NodeProto gather = byOutput.get(name);
      assertNotNull(gather, name + " is made by a node");
      assertEquals("Gather", gather.getOpType(), name);
      TensorProto book = init.get(gather.getInput(0));
      NodeProto cast = byOutput.get(gather.getInput(1));
      assertEquals("Cast", cast.getOpType(), name);
      TensorProto idx = init.get(cast.getInput(0));
      int k = s.centroids().length;
      assertEquals(k + 1, book.getDims(0), name + " codebook size");
      assertEquals(k + 1 <= 256 ? DataTypes.UINT8 : DataTypes.UINT16, idx.getDataType(), name);
      byte[] raw = idx.getRawData().toByteArray();
      int[] clusters = s.clusters();
      int per = k + 1 <= 256 ? 1 : 2;
      assertEquals(clusters.length * per, raw.length, name + " bytes per weight");
      for (int i = 0; i < clusters.length; i++) {
        int v = per == 1 ? raw[i] & 0xFF : (raw[2 * i] & 0xFF) | (raw[2 * i + 1] & 0xFF) << 8;
        assertEquals(clusters[i] >= 0 ? clusters[i] : k, v, name + "[" + i + "]");
      }
      wide |= per == 2;
      checked++;
    }
    assertTrue(checked >= 1, "shared layers checked: " + checked);
    return wide;
  }

  @Test
  void aQuarterOfTheFloatFileAndBackBitForBit() {
    Model m = shared(OnnxQdqTest.mlp(3), "3");
    byte[] gather = OnnxExporter.standard().toBytes(m);
    byte[] floats = OnnxExporter.standard().withWeightForm(WeightForm.QDQ).toBytes(m);
    System.out.printf("gather export %d bytes, float export %d bytes%n", gather.length,
        floats.length);
    // Biases, the graph and the codebooks stay float: a small model is not quite a quarter.
    assertTrue(gather.length < 0.45 * floats.length, gather.length + " vs " + floats.length);
    Model back = OnnxImporter.fromBytes(gather, "gather.onnx", OnnxImporter.Options.defaults());
    for (Map.Entry<String, Parameter> e : m.graph().parameters().entrySet()) {
      Parameter b = back.graph().parameters().get(e.getKey());
      assertNotNull(b, e.getKey());
      assertArrayEquals(e.getValue().value().data(), b.value().data(), e.getKey());
    }
  }
}
