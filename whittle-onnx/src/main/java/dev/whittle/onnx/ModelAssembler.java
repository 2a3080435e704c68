package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.onnx.proto.Onnx.StringStringEntryProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the Whittle model once every node is translated: checks the output, keeps the layers it
 * depends on, and records provenance (exporter metadata, producer, opset, import notes).
 */
final class ModelAssembler {
  private final ImportContext ctx;

  ModelAssembler(ImportContext ctx) {
    this.ctx = ctx;
  }

  Model build(String outName) {
    Value v = ctx.values.get(outName);
    if (v instanceof Const) {
      throw new InputException(ctx.file + ": the graph output '" + outName
          + "' is a constant; it does not depend on the input");
    }
    if (v instanceof ActivationQuant.Partial p) {
      throw new InputException(ctx.file + ": the graph output '" + outName + "' is the "
          + p.op() + " of an activation; Whittle's models output float32 values");
    }
    Dyn d = (Dyn) v;
    if (d.quant != null) {
      ctx.notes.add("the " + d.quant.what() + " quantization of the output is dropped");
    }
    if (d.src.equals(Graph.INPUT)) {
      throw new InputException(ctx.file + ": the graph output '" + outName
          + "' is the input itself; the model has no layer");
    }
    if (d.hasAffine()) {
      throw new InputException(ctx.file + ": the graph output '" + outName + "' is scaled or"
          + " shifted by a constant after the last weighted layer; Whittle needs an affine"
          + " layer for it");
    }
    if (d.perm != null) {
      throw new InputException(ctx.file + ": the graph output '" + outName
          + "' is transposed; Whittle has no Transpose layer");
    }
    Set<String> live = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(d.src));
    while (!todo.isEmpty()) {
      String s = todo.pop();
      if (s.equals(Graph.INPUT) || !live.add(s)) {
        continue;
      }
      todo.addAll(ctx.byName.get(s).inputs);
    }
    List<Graph.Node> nodes = new ArrayList<>();
    for (LNode n : ctx.lnodes) {
      if (live.contains(n.name)) {
        Layer layer;
        try {
          layer = n.build();
        } catch (InputException e) {
          throw new InputException(ctx.file + ": layer '" + n.name + "': " + e.getMessage(), e);
        }
        nodes.add(new Graph.Node(n.name, layer, n.inputs));
      }
    }
    if (!nodes.get(nodes.size() - 1).name().equals(d.src)) {
      throw new IllegalStateException("output node is not last");
    }
    Graph g;
    try {
      g = new Graph(ctx.inputShape, nodes);
    } catch (InputException e) {
      throw new InputException(ctx.file + ": " + e.getMessage(), e);
    }
    Model m = new Model(g);
    Map<String, String> prov = new LinkedHashMap<>();
    for (StringStringEntryProto e : ctx.model.getMetadataPropsList()) {
      if (e.getKey().startsWith(OnnxExporter.META_PREFIX)) {
        prov.put(e.getKey().substring(OnnxExporter.META_PREFIX.length()), e.getValue());
      }
    }
    m.provenance().putAll(prov);
    m.provenance().put("imported_from", ctx.file);
    String producer = (ctx.model.getProducerName() + " " + ctx.model.getProducerVersion()).trim();
    if (!producer.isEmpty()) {
      m.provenance().put("onnx_producer", producer);
    }
    m.provenance().put("onnx_opset", String.valueOf(ctx.opset));
    if (!ctx.notes.isEmpty()) {
      m.provenance().put("import_notes", String.join("; ", ctx.notes));
    }
    return m;
  }
}
