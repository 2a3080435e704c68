package dev.whittle.compress.prune;

import dev.whittle.nn.Constraint;
import dev.whittle.nn.ConstraintFactory;
import dev.whittle.tensor.Tensor;
import java.util.Map;
import java.util.Set;

/** Reads masks back: the stored weight's zeros are the pruned entries. */
public final class MaskFactory implements ConstraintFactory {
  @Override
  public Set<String> kinds() {
    return Set.of(Mask.KIND);
  }

  @Override
  public Constraint create(String kind, Map<String, Object> config, Map<String, Tensor> tensors,
      Tensor latent) {
    Object method = config.get("method");
    return Mask.ofNonZeros(latent.data(), method instanceof String s ? s : "unknown");
  }
}
