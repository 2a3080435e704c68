package dev.whittle.compress.quantize;

import dev.whittle.nn.Constraint;
import dev.whittle.nn.QuantizedWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Uniform affine weight quantization as a constraint: the forward pass sees {@code (q - zp) *
 * scale} with q = clamp(rint(w / scale) + zp), per output channel or per tensor. While {@link
 * #tracking()} (quantization-aware training) the scales follow the latent weights' min and max at
 * every refresh; once {@link #freeze() frozen} (post-training quantization, and every loaded
 * model) they stay fixed. The gradient passes straight through (zero where the latent weight lies
 * outside the clipping range, which min-max scales never clip).
 *
 * <p>Saved with no tensors of its own: the weight's packed encoding holds the scales and zero
 * points.
 *
 * <p>The range always includes 0, so a pruned weight's code is the zero point and its value
 * exactly 0.
 */
public final class UniformWeights implements Constraint, QuantizedWeights {
  public static final String KIND = "quant_uniform";

  private final int bits;
  private final boolean symmetric;
  private final boolean perChannel;
  private final int channels;
  private boolean tracking;
  private QParams params; // per channel: channels entries; per tensor: 1

  /** Scales that track the latent weights until {@link #freeze()}. */
  public UniformWeights(int bits, boolean symmetric, boolean perChannel, int channels) {
    this.bits = bits;
    this.symmetric = symmetric;
    this.perChannel = perChannel;
    this.channels = channels;
    this.tracking = true;
  }

  /** Fixed scales (a loaded model). */
  UniformWeights(int bits, boolean symmetric, boolean perChannel, int channels, QParams fixed) {
    this(bits, symmetric, perChannel, channels);
    this.params = fixed;
    this.tracking = false;
  }

  @Override
  public boolean tracking() {
    return tracking;
  }

  /** Stops following the weights: the current scales stay. */
  public void freeze() {
    tracking = false;
  }

  private void fit(float[] w) {
    params = perChannel
        ? QParams.perChannel(w, channels, bits, symmetric, true)
        : QParams.perTensor(w, bits, symmetric, true);
  }

  private int pc(int c) {
    return perChannel ? c : 0;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public boolean project(float[] latent, float[] out) {
    if (tracking || params == null) {
      fit(latent);
    }
    int per = latent.length / channels;
    for (int c = 0; c < channels; c++) {
      int k = pc(c);
      for (int i = c * per; i < (c + 1) * per; i++) {
        out[i] = params.dequantize(params.quantize(latent[i], k), k);
      }
    }
    return true;
  }

  @Override
  public void gradient(float[] latent, float[] grad) {
    if (params == null) {
      return;
    }
    int per = latent.length / channels;
    for (int c = 0; c < channels; c++) {
      int k = pc(c);
      float s = params.scale()[k];
      int zp = params.zeroPoint()[k];
      for (int i = c * per; i < (c + 1) * per; i++) {
        float q = (float) Math.rint(latent[i] / s) + zp;
        if (q < params.qmin() || q > params.qmax()) {
          grad[i] = 0f;
        }
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bits", (long) bits);
    m.put("symmetric", symmetric ? 1L : 0L);
    m.put("per_channel", perChannel ? 1L : 0L);
    m.put("channels", (long) channels);
    if (tracking) {
      // Only a checkpoint taken during quantization-aware training has it: the scales go on
      // following the weights after a resume. A finished model is frozen and omits it.
      m.put("tracking", 1L);
    }
    return m;
  }

  // QuantizedWeights: arrays per output channel, whether or not the scale is per channel.

  @Override
  public Form form() {
    return Form.AFFINE;
  }

  @Override
  public int bits() {
    return bits;
  }

  public boolean symmetric() {
    return symmetric;
  }

  public boolean perChannel() {
    return perChannel;
  }

  @Override
  public boolean signedCodes() {
    return true;
  }

  @Override
  public float[] scale() {
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = params.scale()[pc(c)];
    }
    return s;
  }

  @Override
  public int[] zeroPoint() {
    int[] z = new int[channels];
    for (int c = 0; c < channels; c++) {
      z[c] = params.zeroPoint()[pc(c)];
    }
    return z;
  }

  @Override
  public float[] offset() {
    return new float[channels];
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int code(float value, int c) {
    return params.quantize(value, pc(c));
  }
}
