package dev.whittle.onnx;

import dev.whittle.nn.Graph;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Names for the Whittle layers of one import: readable, taken from the ONNX graph, unique. */
final class LayerNames {
  private final Set<String> usedNames = new HashSet<>();
  private final Map<String, Integer> counters = new HashMap<>();

  private String uniqueName(String base, boolean numbered) {
    if (!numbered && !base.equals(Graph.INPUT) && usedNames.add(base)) {
      return base;
    }
    while (true) {
      int n = counters.merge(base, 1, Integer::sum);
      String name = numbered ? base + n : base + "_" + (n + 1);
      if (!name.equals(Graph.INPUT) && usedNames.add(name)) {
        return name;
      }
    }
  }

  /**
   * A readable name for the layer made from node {@code cur}: the prefix of its weight's name
   * ({@code fc1} from {@code fc1.weight}), else the node's own name with exporter scopes tidied
   * ({@code layer1.0.relu} from {@code /layer1/layer1.0/relu/Relu}, {@code block.add} from
   * {@code /block/Add}), else a numbered kind ({@code relu1}).
   */
  String forNode(NodeProto cur, String weight, String kind) {
    boolean weighted = weight != null;
    if (weighted) {
      for (String suffix : new String[] {".weight", ".gamma", ".scale"}) {
        if (weight.endsWith(suffix) && weight.length() > suffix.length()
            && !weight.startsWith("onnx::")) {
          return uniqueName(weight.substring(0, weight.length() - suffix.length()), false);
        }
      }
    }
    String n = tidy(cur.getName(), cur.getOpType(), weighted);
    return n == null ? uniqueName(kind, true) : uniqueName(n, false);
  }

  /**
   * Exporters name nodes by scope and operator ({@code /block/conv1/Conv}, {@code /Relu_1});
   * the scope names the layer, the operator is added for layers without weights. Null when the
   * name says nothing beyond the operator.
   */
  static String tidy(String name, String op, boolean weighted) {
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    String opPart = null;
    if (!parts.isEmpty()) {
      String last = parts.get(parts.size() - 1);
      if (last.equals(op) || last.matches(java.util.regex.Pattern.quote(op) + "_\\d+")) {
        opPart = last.toLowerCase(Locale.ROOT);
        parts.remove(parts.size() - 1);
      }
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      if (i + 1 < parts.size() && parts.get(i + 1).startsWith(parts.get(i) + ".")) {
        continue;
      }
      kept.add(parts.get(i));
    }
    String scope = String.join(".", kept).replaceAll("[\\s:]+", "_");
    if (scope.isEmpty() || scope.length() > 200) {
      return null;
    }
    if (weighted || opPart == null) {
      return scope;
    }
    String lastScope = scope.substring(scope.lastIndexOf('.') + 1);
    String bare = opPart.replaceAll("_\\d+$", "");
    // A module named after its operator, or a Sequential's numbered child, is the layer itself.
    return lastScope.equals(bare) || lastScope.matches("\\d+") ? scope : scope + "." + opPart;
  }
}
