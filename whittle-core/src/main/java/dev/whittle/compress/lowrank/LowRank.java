package dev.whittle.compress.lowrank;

import dev.whittle.InputException;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Low-rank factorization of a model's Dense and Conv2d layers by truncated SVD. A layer whose
 * weight W is (rows, cols) = (out, in), or (out channels, in channels x kh x kw) for a
 * convolution, keeps rank r only when that saves parameters and multiply-adds, that is when
 * r (rows + cols) < rows cols; otherwise it is left whole and the result says so. See {@link
 * LowRankRewrite} for the two layers that replace it.
 *
 * <p>A factorized layer's weight is replaced, so a pruning mask, a codebook, quantized weights
 * or a quantized input on it cannot be kept: such a layer is refused with an {@link
 * InputException}. Factorize the float model first, then prune, share or quantize the factors.
 */
public final class LowRank {
  private LowRank() {}

  /** What factorization did to one layer; {@code factored} false when it was left whole. */
  public record LayerRank(String name, String kind, int rank, int fullRank, double energy,
      long paramsBefore, long paramsAfter, boolean factored) {
    /** One line for the progress log. */
    public String summary() {
      String head = String.format("%s rank %d/%d, energy %.1f%%", name, rank, fullRank,
          100 * energy);
      return factored
          ? String.format("%s, params %,d -> %,d", head, paramsBefore, paramsAfter)
          : String.format("%s, left whole: two factors would have %,d params, the layer has %,d",
              head, paramsAfter, paramsBefore);
    }
  }

  /**
   * The factorized model and what happened to each layer the spec covers. The new model shares
   * the layers it leaves whole with {@code model}: use one or the other afterwards.
   */
  public record Result(Model model, List<LayerRank> layers) {
    public Result {
      layers = List.copyOf(layers);
    }
  }

  /**
   * Factorizes every Dense and Conv2d layer {@code spec} covers.
   *
   * @throws InputException when the spec names a layer the model lacks, asks for a rank above a
   *     layer's full rank, or a layer to factorize carries a constraint
   */
  public static Result factorize(Model model, RankSpec spec) {
    Map<String, Layer> weighted = new LinkedHashMap<>();
    for (Graph.Node n : model.graph().nodes()) {
      if (n.layer() instanceof Dense || n.layer() instanceof Conv2d) {
        weighted.put(n.name(), n.layer());
      }
    }
    for (String name : spec.overrides().keySet()) {
      if (!weighted.containsKey(name)) {
        throw new InputException("--rank names layer '" + name + "', which is not a dense or"
            + " convolution layer of the model (it has " + String.join(", ", weighted.keySet())
            + ")");
      }
    }
    List<LayerRank> report = new ArrayList<>();
    Map<String, LowRankRewrite.Factors> chosen = new LinkedHashMap<>();
    for (Map.Entry<String, Layer> e : weighted.entrySet()) {
      String name = e.getKey();
      if (!spec.covers(name)) {
        continue;
      }
      Parameter w = weight(e.getValue());
      int rows = w.latent().dim(0);
      int cols = w.size() / rows;
      Svd svd = Svd.of(w.value().data(), rows, cols);
      int r = spec.rankOf(name, svd.s(), rows, cols);
      long bias = bias(e.getValue()) != null ? rows : 0;
      long before = (long) rows * cols + bias;
      long after = (long) r * (rows + cols) + bias;
      boolean saves = (long) r * (rows + cols) < (long) rows * cols;
      report.add(new LayerRank(name, e.getValue().kind(), r, svd.k(), svd.energy(r), before,
          after, saves));
      if (saves) {
        checkUnconstrained(name, e.getValue());
        chosen.put(name, new LowRankRewrite.Factors(svd, r));
      }
    }
    return new Result(LowRankRewrite.rewrite(model, chosen), report);
  }

  private static Parameter weight(Layer l) {
    return l instanceof Dense d ? d.weight() : ((Conv2d) l).weight();
  }

  private static Parameter bias(Layer l) {
    return l instanceof Dense d ? d.bias() : ((Conv2d) l).bias();
  }

  private static void checkUnconstrained(String name, Layer l) {
    for (Parameter p : l.parameters()) {
      if (!p.constraints().isEmpty()) {
        Constraint c = p.constraints().get(0);
        throw new InputException("layer " + name + ": low-rank factorization replaces its "
            + p.name() + " and cannot keep its '" + c.kind() + "' constraint; factorize the"
            + " float model first, then prune, share or quantize");
      }
    }
    boolean quantizedInput = l instanceof Dense d ? d.inputQuantizer() != null
        : ((Conv2d) l).inputQuantizer() != null;
    if (quantizedInput) {
      throw new InputException("layer " + name + ": low-rank factorization cannot keep its"
          + " quantized input; factorize the float model first, then quantize");
    }
  }
}
