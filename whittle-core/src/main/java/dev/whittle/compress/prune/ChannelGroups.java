package dev.whittle.compress.prune;

import dev.whittle.nn.Activation;
import dev.whittle.nn.Add;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Dropout;
import dev.whittle.nn.Flatten;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Pool2d;
import dev.whittle.tensor.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds which output channels of a graph can be removed. From each Dense or Conv2d layer (a
 * producer) it follows the channels through layers that keep them apart (BatchNorm,
 * activations, Dropout, pooling, Flatten, Add) to the Dense and Conv2d layers that read them.
 * The producer can lose channels when every path ends in such a reader, none reaches the model's
 * output or another kind of layer, and every Add on the way sums only channels of producers
 * (which then form one group). Channel j of a tensor on the way is the contiguous block j of its
 * flattened sample: a plane of an image, a run of h * w columns after Flatten, or one feature.
 */
final class ChannelGroups {
  private ChannelGroups() {}

  /** Where one producer's channels go, or why they cannot be followed. */
  private record Trace(Set<Integer> path, Set<Integer> consumers, String failure) {}

  /** Every producer of the graph in exactly one group, groups in graph order. */
  static List<ChannelGroup> of(Graph graph) {
    List<Graph.Node> nodes = graph.nodes();
    Map<String, Integer> index = new HashMap<>();
    List<List<Integer>> readers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
      readers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).inputs()) {
        if (!in.equals(Graph.INPUT)) {
          readers.get(index.get(in)).add(i);
        }
      }
    }
    int[] parent = new int[nodes.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    Map<Integer, Trace> traces = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (channels(nodes.get(i).layer()) > 0) {
        Trace t = trace(nodes, readers, i);
        traces.put(i, t);
        for (int p : t.path()) {
          if (nodes.get(p).layer() instanceof Add) {
            parent[find(parent, i)] = find(parent, p);
          }
        }
      }
    }
    Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
    for (int i : traces.keySet()) {
      byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(i);
    }
    List<ChannelGroup> groups = new ArrayList<>();
    for (List<Integer> members : byRoot.values()) {
      groups.add(group(graph, index, members, traces));
    }
    return groups;
  }

  /** Output channels of a producer, or 0 for any other layer. */
  static int channels(Layer l) {
    if (l instanceof Dense d) {
      return d.out();
    }
    return l instanceof Conv2d c ? c.outChannels() : 0;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static Trace trace(List<Graph.Node> nodes, List<List<Integer>> readers, int start) {
    Set<Integer> path = new TreeSet<>();
    Set<Integer> consumers = new TreeSet<>();
    List<Integer> todo = new ArrayList<>(List.of(start));
    path.add(start);
    String failure = null;
    while (!todo.isEmpty() && failure == null) {
      int x = todo.remove(todo.size() - 1);
      if (x == nodes.size() - 1) {
        failure = "its outputs are the model's output";
      }
      for (int y : readers.get(x)) {
        Layer l = nodes.get(y).layer();
        if (l instanceof Dense || l instanceof Conv2d) {
          consumers.add(y);
        } else if (l instanceof BatchNorm || l instanceof Activation || l instanceof Dropout
            || l instanceof Pool2d || l instanceof Flatten || l instanceof Add) {
          if (path.add(y)) {
            todo.add(y);
          }
        } else if (failure == null) {
          failure = "its outputs reach " + nodes.get(y).name() + " (" + l.kind()
              + "), which cannot lose channels";
        }
      }
    }
    return new Trace(path, consumers, failure);
  }

  private static ChannelGroup group(Graph graph, Map<String, Integer> index, List<Integer> members,
      Map<Integer, Trace> traces) {
    List<Graph.Node> nodes = graph.nodes();
    Set<Integer> path = new TreeSet<>();
    Set<Integer> consumers = new TreeSet<>();
    String reason = null;
    int c = channels(nodes.get(members.get(0)).layer());
    List<String> names = new ArrayList<>();
    for (int m : members) {
      Trace t = traces.get(m);
      path.addAll(t.path());
      consumers.addAll(t.consumers());
      names.add(nodes.get(m).name());
      if (reason == null && t.failure() != null) {
        reason = (members.size() > 1 ? nodes.get(m).name() + ": " : "") + t.failure();
      }
      if (reason == null && channels(nodes.get(m).layer()) != c) {
        reason = "an add joins " + nodes.get(members.get(0)).name() + " (" + c + " channels) and "
            + nodes.get(m).name() + " (" + channels(nodes.get(m).layer()) + ")";
      }
    }
    List<String> followers = new ArrayList<>();
    for (int p : path) {
      Graph.Node node = nodes.get(p);
      int[] shape = graph.outputShape(p);
      if (reason == null && node.layer() instanceof Add) {
        for (String in : node.inputs()) {
          if (in.equals(Graph.INPUT) || !path.contains(index.get(in))) {
            reason = node.name() + " adds " + in + ", which no layer that can lose channels"
                + " produces";
          }
        }
      }
      if (reason == null && (shape.length == 3 ? shape[0] != c : Shapes.size(shape) % c != 0)) {
        reason = node.name() + " has shape " + Shapes.format(shape) + ", not " + c + " channels";
      }
      if (node.layer() instanceof BatchNorm) {
        followers.add(node.name());
      }
    }
    List<String> reads = new ArrayList<>();
    for (int k : consumers) {
      reads.add(nodes.get(k).name());
    }
    String unit = nodes.get(members.get(0)).layer() instanceof Dense ? "neurons" : "filters";
    return new ChannelGroup(names, c, unit, followers, reads, reason);
  }
}
