package dev.whittle.compress.prune;

import dev.whittle.data.Dataset;
import dev.whittle.nn.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning: removes whole neurons of Dense layers and whole filters of Conv2d layers
 * and returns a new, smaller model. The layer shrinks, the BatchNorm after it and the inputs of
 * the layers that read it shrink with it, and channels that a residual Add joins are removed
 * together. The input model is left as it was.
 *
 * <p>Before fine-tuning, the slim model computes what the masked model computes: the input
 * model with the removed channels' weights set to zero (see {@link StructuredRewrite} for the
 * one exception, a padded convolution reading pruned channels). Fine-tune the result with the
 * ordinary trainer.
 */
public final class StructuredPruner {
  /** Batches of 64 samples averaged by first-order importance when none are given. */
  public static final int DEFAULT_BATCHES = 20;

  private StructuredPruner() {}

  /** Output channels of one layer before and after. */
  public record Kept(int kept, int total) {}

  /**
   * @param model the new, slim model (new layers; the weights copied; provenance copied)
   * @param kept channels kept per Dense and Conv2d layer, in graph order
   * @param leftWhole why each layer that could not lose channels was left whole, by layer name
   */
  public record Result(Model model, Map<String, Kept> kept, Map<String, String> leftWhole) {
    public Result {
      kept = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kept));
      leftWhole = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(leftWhole));
    }

    /** {@code fc1 150/300, fc2 50/100; left whole: fc3 (its outputs are the model's output)}. */
    public String summary() {
      List<String> parts = new ArrayList<>();
      kept.forEach((k, v) -> {
        if (!leftWhole.containsKey(k)) {
          parts.add(k + " " + v.kept() + "/" + v.total());
        }
      });
      StringBuilder b = new StringBuilder(parts.isEmpty() ? "no layer" : String.join(", ", parts));
      if (!leftWhole.isEmpty()) {
        List<String> why = new ArrayList<>();
        leftWhole.forEach((k, v) -> why.add(k + " (" + v + ")"));
        b.append("; left whole: ").append(String.join(", ", why));
      }
      return b.toString();
    }
  }

  /**
   * @param criterion {@code l1}, {@code l2} or {@code first-order}
   * @param spec the fraction of channels removed, per layer or ranked globally
   * @param data training data for {@code first-order}; may be null for the norms
   */
  public static Result prune(Model model, String criterion, PruneSpec spec, Dataset data,
      long seed) {
    return prune(model, criterion, spec, data, DEFAULT_BATCHES, seed);
  }

  public static Result prune(Model model, String criterion, PruneSpec spec, Dataset data,
      int batches, long seed) {
    return prune(model, ChannelImportance.named(criterion, data, batches, seed), spec);
  }

  public static Result prune(Model model, ChannelImportance importance, PruneSpec spec) {
    ChannelSelection sel = select(model, importance, spec);
    Model slim = slim(model, sel);
    Map<String, Kept> kept = new LinkedHashMap<>();
    Map<String, String> whole = new LinkedHashMap<>();
    for (int i = 0; i < sel.groups().size(); i++) {
      ChannelGroup g = sel.groups().get(i);
      for (String m : g.members()) {
        kept.put(m, new Kept(sel.kept(i), g.channels()));
        if (!g.prunable()) {
          whole.put(m, g.reason());
        }
      }
    }
    return new Result(slim, kept, whole);
  }

  /** Which channels to keep; throws an InputException when a layer would keep none. */
  public static ChannelSelection select(Model model, ChannelImportance importance,
      PruneSpec spec) {
    return ChannelSelection.choose(ChannelGroups.of(model.graph()), importance.scores(model),
        spec);
  }

  /** The rewritten model: removed channels gone, their constant outputs folded downstream. */
  public static Model slim(Model model, ChannelSelection selection) {
    return StructuredRewrite.slim(model, selection);
  }

  /** A copy of the model with the removed channels' weight rows set to zero, nothing else. */
  public static Model masked(Model model, ChannelSelection selection) {
    return StructuredRewrite.masked(model, selection);
  }
}
