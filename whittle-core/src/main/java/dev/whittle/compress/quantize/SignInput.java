package dev.whittle.compress.quantize;

import dev.whittle.nn.InputQuantizer;
import dev.whittle.tensor.Tensor;
import java.util.Map;

/**
 * Binary activations (BinaryNet, Courbariaux et al. 2016): x becomes +1 where x &gt;= 0 and -1
 * elsewhere, with scale 1, so a layer with binary weights sums +-1 products that an XNOR-popcount
 * kernel computes exactly. The straight-through estimator of the paper: the gradient passes where
 * |x| &lt;= 1 and is zero elsewhere (the derivative of hardtanh).
 */
public final class SignInput implements InputQuantizer {
  public static final String KIND = "sign";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public void observe(float[] x, int len) {}

  @Override
  public void quantize(float[] x, int n, int rowLen, float[] codes, float[] rowScale,
      boolean training) {
    for (int i = 0; i < n * rowLen; i++) {
      codes[i] = x[i] >= 0f ? 1f : -1f;
    }
    java.util.Arrays.fill(rowScale, 0, n, 1f);
  }

  @Override
  public void gradient(float[] x, int n, int rowLen, float[] grad) {
    for (int i = 0; i < n * rowLen; i++) {
      if (Math.abs(x[i]) > 1f) {
        grad[i] = 0f;
      }
    }
  }

  @Override
  public int bits() {
    return 1;
  }

  @Override
  public Map<String, Object> config() {
    return Map.of();
  }

  @Override
  public Map<String, Tensor> buffers() {
    return Map.of();
  }
}
