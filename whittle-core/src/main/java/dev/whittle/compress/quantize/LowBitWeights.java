package dev.whittle.compress.quantize;

import dev.whittle.InputException;
import dev.whittle.nn.Constraint;
import dev.whittle.nn.QuantizedWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One- and two-level weights, each output channel (first axis) with its own scale. The latent
 * float weights keep training (the gradient passes straight through, as in BinaryConnect); the
 * forward pass sees, for channel c with weights w:
 *
 * <ul>
 *   <li><b>binary</b> (BinaryConnect; XNOR-Net's scale): {@code alpha * sign(w)}, alpha = mean |w|
 *       over the channel's non-zero weights, sign(w) = +1 for w &gt; 0 and -1 for w &lt; 0. A
 *       weight that is exactly 0 (pruned) stays 0; such a channel is stored as ternary codes. After
 *       each step the latent weights are clipped to [-1, 1], as BinaryConnect does.
 *   <li><b>ternary</b> (TWN, Li et al. 2016): delta = 0.7 mean |w|; {@code alpha * sign(w)} where
 *       |w| &gt; delta, else 0; alpha = mean of the |w| above delta.
 *   <li><b>logic</b> (0/1 weights): {@code beta + alpha * b} with b in {0, 1}: every weight is
 *       either the channel's offset beta or beta + alpha. b, beta and alpha are the least-squares
 *       two-level fit of the channel (one-dimensional 2-means started from the split at the mean,
 *       iterated to a fixed point): beta is the mean of the weights with b = 0, beta + alpha the
 *       mean of those with b = 1. A layer y = W x then computes {@code y_c = beta_c sum(x) +
 *       alpha_c sum(x_i : b_ci = 1)}: additions selected by bits, one multiply per channel for
 *       each. Logic weights cannot keep pruned zeros exactly, so a pruned layer is refused.
 * </ul>
 *
 * Scales follow the latent weights at every refresh until {@link #freeze()}; a loaded model's are
 * frozen, unless it is a checkpoint taken while they were following.
 */
public final class LowBitWeights implements Constraint, QuantizedWeights {
  /** The three forms. */
  public enum Type {
    BINARY("quant_binary"),
    TERNARY("quant_ternary"),
    LOGIC("quant_logic");

    final String kind;

    Type(String kind) {
      this.kind = kind;
    }

    static Type ofKind(String kind) {
      for (Type t : values()) {
        if (t.kind.equals(kind)) {
          return t;
        }
      }
      throw new IllegalArgumentException(kind);
    }
  }

  private static final int LOGIC_ITERATIONS = 20;

  private final Type type;
  private final int channels;
  private boolean tracking = true;
  private float[] alpha;
  private float[] beta; // logic offsets
  private float[] delta; // ternary thresholds
  private boolean hasZeros; // binary: some weights are pruned zeros

  public LowBitWeights(Type type, int channels) {
    this.type = type;
    this.channels = channels;
  }

  /**
   * Frozen levels (a loaded model; the weight's encoding holds alpha and beta). The thresholds lie
   * halfway between the levels, which maps every stored level to its own code.
   */
  LowBitWeights(Type type, int channels, float[] alpha, float[] beta) {
    this(type, channels);
    this.alpha = alpha.clone();
    this.beta = beta.clone();
    this.delta = new float[channels];
    for (int c = 0; c < channels; c++) {
      delta[c] = type == Type.LOGIC ? beta[c] + alpha[c] / 2 : Math.abs(alpha[c]) / 2;
    }
    this.tracking = false;
  }

  public Type type() {
    return type;
  }

  public void freeze() {
    tracking = false;
  }

  @Override
  public boolean tracking() {
    return tracking;
  }

  /** Refuses logic weights on a layer with pruned (exactly zero) weights. */
  public static void checkLogic(String layer, float[] w) {
    for (float v : w) {
      if (v == 0f) {
        throw new InputException("layer '" + layer + "' has pruned weights, which logic (0/1) "
            + "weights cannot keep at zero; use --mode ternary or quantize before pruning");
      }
    }
  }

  private void fit(float[] w) {
    int per = w.length / channels;
    alpha = new float[channels];
    beta = new float[channels];
    delta = new float[channels];
    hasZeros = false;
    for (int c = 0; c < channels; c++) {
      int from = c * per;
      int to = from + per;
      switch (type) {
        case BINARY -> {
          double s = 0;
          int nz = 0;
          for (int i = from; i < to; i++) {
            if (w[i] != 0f) {
              s += Math.abs(w[i]);
              nz++;
            }
          }
          hasZeros |= nz < per;
          alpha[c] = nz == 0 ? 0f : (float) (s / nz);
        }
        case TERNARY -> {
          double s = 0;
          for (int i = from; i < to; i++) {
            s += Math.abs(w[i]);
          }
          delta[c] = (float) (0.7 * s / per);
          double a = 0;
          int n = 0;
          for (int i = from; i < to; i++) {
            if (Math.abs(w[i]) > delta[c]) {
              a += Math.abs(w[i]);
              n++;
            }
          }
          alpha[c] = n == 0 ? 0f : (float) (a / n);
        }
        case LOGIC -> fitTwoLevels(w, from, to, c);
      }
    }
  }

  private void fitTwoLevels(float[] w, int from, int to, int c) {
    double mean = 0;
    for (int i = from; i < to; i++) {
      mean += w[i];
    }
    double t = mean / (to - from);
    double lo = t;
    double hi = t;
    for (int it = 0; it < LOGIC_ITERATIONS; it++) {
      double sLo = 0;
      double sHi = 0;
      int nLo = 0;
      int nHi = 0;
      for (int i = from; i < to; i++) {
        if (w[i] > t) {
          sHi += w[i];
          nHi++;
        } else {
          sLo += w[i];
          nLo++;
        }
      }
      lo = nLo == 0 ? t : sLo / nLo;
      hi = nHi == 0 ? t : sHi / nHi;
      double next = (lo + hi) / 2;
      if (next == t) {
        break;
      }
      t = next;
    }
    delta[c] = (float) t;
    beta[c] = (float) lo;
    alpha[c] = (float) (hi - lo);
  }

  @Override
  public String kind() {
    return type.kind;
  }

  @Override
  public boolean project(float[] latent, float[] out) {
    if (tracking || alpha == null) {
      fit(latent);
    }
    if (type == Type.BINARY) {
      hasZeros = false;
      for (float v : latent) {
        hasZeros |= v == 0f;
      }
    }
    int per = latent.length / channels;
    for (int c = 0; c < channels; c++) {
      for (int i = c * per; i < (c + 1) * per; i++) {
        out[i] = value(level(latent[i], c), c);
      }
    }
    return true;
  }

  /** -1, 0 or +1 for binary and ternary; 0 or 1 for logic. */
  private int level(float v, int c) {
    return switch (type) {
      case BINARY -> v > 0f ? 1 : v < 0f ? -1 : 0;
      case TERNARY -> Math.abs(v) > delta[c] ? (v > 0f ? 1 : -1) : 0;
      case LOGIC -> v > delta[c] ? 1 : 0;
    };
  }

  private float value(int level, int c) {
    return switch (type) {
      case BINARY, TERNARY -> level == 0 ? 0f : level > 0 ? alpha[c] : -alpha[c];
      case LOGIC -> level == 1 ? beta[c] + alpha[c] : beta[c];
    };
  }

  @Override
  public void afterStep(float[] latent) {
    if (type == Type.BINARY) {
      for (int i = 0; i < latent.length; i++) {
        latent[i] = Math.max(-1f, Math.min(1f, latent[i]));
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channels", (long) channels);
    if (tracking) {
      m.put("tracking", 1L); // a checkpoint during training: levels go on following the weights
    }
    return m;
  }

  @Override
  public Form form() {
    return switch (type) {
      case BINARY -> hasZeros ? Form.AFFINE : Form.SIGN;
      case TERNARY -> Form.AFFINE;
      case LOGIC -> Form.LOGIC;
    };
  }

  @Override
  public int bits() {
    return form() == Form.AFFINE ? 2 : 1;
  }

  @Override
  public boolean signedCodes() {
    return true;
  }

  @Override
  public float[] scale() {
    return alpha.clone();
  }

  @Override
  public int[] zeroPoint() {
    return new int[channels];
  }

  @Override
  public float[] offset() {
    return beta.clone();
  }

  @Override
  public int channels() {
    return channels;
  }

  /**
   * The code of a weight (latent or projected; both give the same code): binary and ternary -1, 0
   * or +1 (SIGN form stores +1 as 1 and -1 as 0); logic 0 or 1.
   */
  @Override
  public int code(float value, int c) {
    int l = level(value, c);
    return form() == Form.SIGN ? (l > 0 ? 1 : 0) : l;
  }
}
