package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over features (n, f) or channels (n, c, h, w) (Ioffe and Szegedy 2015):
 * y = gamma * (x - mean) / sqrt(var + eps) + beta. Training uses the batch's statistics and
 * updates the running ones as PyTorch does (running = (1 - momentum) * running + momentum *
 * batch, with the unbiased variance); evaluation uses the running statistics.
 */
public final class BatchNorm implements Layer {
  private final int features;
  private final float eps;
  private final float momentum;
  private final Parameter gamma;
  private final Parameter beta;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private Tensor xhat; // normalized input of the last training forward
  private float[] invStd; // (features)
  private Tensor output;
  private Tensor gradIn;
  private boolean trainedForward;
  private Tensor evalInput; // the input of the last evaluation forward, for its backward

  public BatchNorm(int features, float eps, float momentum) {
    if (features <= 0) {
      throw new InputException("batchnorm needs a positive feature count, got " + features);
    }
    this.features = features;
    this.eps = eps;
    this.momentum = momentum;
    Tensor g = Tensor.zeros(features);
    g.fill(1f);
    this.gamma = new Parameter("gamma", g);
    this.beta = new Parameter("beta", Tensor.zeros(features));
    this.runningMean = Tensor.zeros(features);
    this.runningVar = Tensor.zeros(features);
    runningVar.fill(1f);
  }

  public int features() {
    return features;
  }

  public float eps() {
    return eps;
  }

  public Parameter gamma() {
    return gamma;
  }

  public Parameter beta() {
    return beta;
  }

  public Tensor runningMean() {
    return runningMean;
  }

  public Tensor runningVar() {
    return runningVar;
  }

  @Override
  public String kind() {
    return "batchnorm";
  }

  @Override
  public int[] outputShape(int[][] inputShapes) {
    int[] s = inputShapes[0];
    if (!((s.length == 1 || s.length == 3) && s[0] == features)) {
      throw new InputException("batchnorm of " + features + " features expects input ("
          + features + ") or (" + features + ", h, w), got " + Shapes.format(s));
    }
    return s.clone();
  }

  @Override
  public Tensor forward(Tensor[] inputs, Context ctx) {
    Tensor x = inputs[0];
    int n = x.dim(0);
    int spatial = x.sampleSize() / features;
    output = Tensor.reuse(output, x.shape());
    float[] in = x.data();
    float[] out = output.data();
    float[] g = gamma.value().data();
    float[] b = beta.value().data();
    trainedForward = ctx.training();
    if (!ctx.training()) {
      evalInput = x;
      float[] rm = runningMean.data();
      float[] rv = runningVar.data();
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < features; c++) {
          float scale = g[c] / (float) Math.sqrt(rv[c] + eps);
          float shift = b[c] - rm[c] * scale;
          int base = (i * features + c) * spatial;
          for (int s = 0; s < spatial; s++) {
            out[base + s] = in[base + s] * scale + shift;
          }
        }
      }
      return output;
    }
    xhat = Tensor.reuse(xhat, x.shape());
    float[] xh = xhat.data();
    invStd = new float[features];
    long count = (long) n * spatial;
    for (int c = 0; c < features; c++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          sum += in[base + s];
        }
      }
      double mean = sum / count;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          double d = in[base + s] - mean;
          sq += d * d;
        }
      }
      double var = sq / count;
      float inv = (float) (1.0 / Math.sqrt(var + eps));
      invStd[c] = inv;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          float v = (float) ((in[base + s] - mean) * inv);
          xh[base + s] = v;
          out[base + s] = g[c] * v + b[c];
        }
      }
      double unbiased = count > 1 ? sq / (count - 1) : var;
      runningMean.data()[c] = (float) ((1 - momentum) * runningMean.data()[c] + momentum * mean);
      runningVar.data()[c] = (float) ((1 - momentum) * runningVar.data()[c] + momentum * unbiased);
    }
    return output;
  }

  @Override
  public Tensor[] backward(Tensor gradOut, boolean needInputGrad) {
    if (!trainedForward) {
      return backwardEval(gradOut, needInputGrad);
    }
    int n = gradOut.dim(0);
    int spatial = gradOut.sampleSize() / features;
    long count = (long) n * spatial;
    float[] g = gradOut.data();
    float[] xh = xhat.data();
    float[] gam = gamma.value().data();
    float[] dGamma = gamma.grad().data();
    float[] dBeta = beta.grad().data();
    gradIn = needInputGrad ? Tensor.reuse(gradIn, gradOut.shape()) : null;
    for (int c = 0; c < features; c++) {
      double sumG = 0;
      double sumGx = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          sumG += g[base + s];
          sumGx += g[base + s] * (double) xh[base + s];
        }
      }
      dGamma[c] += (float) sumGx;
      dBeta[c] += (float) sumG;
      if (gradIn == null) {
        continue;
      }
      // dx = gamma * invStd / m * (m * g - sum(g) - xhat * sum(g * xhat))
      float[] d = gradIn.data();
      double k = gam[c] * invStd[c] / (double) count;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          d[base + s] = (float) (k * (count * g[base + s] - sumG - xh[base + s] * sumGx));
        }
      }
    }
    return new Tensor[] {gradIn};
  }

  /**
   * Backward through the evaluation form y = gamma * (x - mean) / sqrt(var + eps) + beta, with
   * the running statistics as constants (used for importance scores of a trained model).
   */
  private Tensor[] backwardEval(Tensor gradOut, boolean needInputGrad) {
    int n = gradOut.dim(0);
    int spatial = gradOut.sampleSize() / features;
    float[] g = gradOut.data();
    float[] x = evalInput.data();
    float[] gam = gamma.value().data();
    gradIn = needInputGrad ? Tensor.reuse(gradIn, gradOut.shape()) : null;
    for (int c = 0; c < features; c++) {
      float inv = (float) (1.0 / Math.sqrt(runningVar.data()[c] + eps));
      float mean = runningMean.data()[c];
      double sumG = 0;
      double sumGx = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          sumG += g[base + s];
          sumGx += g[base + s] * (double) ((x[base + s] - mean) * inv);
          if (gradIn != null) {
            gradIn.data()[base + s] = g[base + s] * gam[c] * inv;
          }
        }
      }
      gamma.grad().data()[c] += (float) sumGx;
      beta.grad().data()[c] += (float) sumG;
    }
    return new Tensor[] {gradIn};
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gamma, beta);
  }

  @Override
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("running_mean", runningMean);
    m.put("running_var", runningVar);
    return m;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("features", (long) features);
    c.put("eps", (double) eps);
    c.put("momentum", (double) momentum);
    return c;
  }
}
