package dev.whittle.onnx;

import dev.whittle.nn.Activation;
import dev.whittle.nn.Add;
import dev.whittle.nn.BatchNorm;
import dev.whittle.nn.Conv2d;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Dropout;
import dev.whittle.nn.Flatten;
import dev.whittle.nn.Layer;
import dev.whittle.nn.Pool2d;
import dev.whittle.nn.Softmax;
import dev.whittle.tensor.Tensor;
import java.util.List;

/**
 * A Whittle layer being built by the importer. Its weights stay plain arrays until the end, so
 * constant affine operations met later can still fold into them (and a bias can appear where
 * the layer had none).
 */
final class LNode {
  enum Kind { DENSE, CONV, POOL, BATCHNORM, ACTIVATION, SOFTMAX, FLATTEN, DROPOUT, ADD }

  final String name;
  final Kind kind;
  final List<String> inputs;
  /** Output shape per sample. */
  final int[] out;

  // DENSE: w (outs, in); CONV: w (outs, ic, k, k); b (outs) or null
  int in;
  int outs;
  float[] w;
  float[] b;
  int k;
  int stride;
  int pad;
  ActivationQuant.Pending inputQuant; // or null
  WeightQuant weightQuant; // how DequantizeLinear made w, or null
  // POOL
  Pool2d.Mode mode;
  // BATCHNORM
  float eps;
  float momentum;
  float[] gamma;
  float[] beta;
  float[] mean;
  float[] var;
  // ACTIVATION
  Activation.Function function;
  float alpha;
  // DROPOUT
  float p;

  LNode(String name, Kind kind, List<String> inputs, int[] out) {
    this.name = name;
    this.kind = kind;
    this.inputs = List.copyOf(inputs);
    this.out = out.clone();
  }

  boolean isLinear() {
    return kind == Kind.DENSE || kind == Kind.CONV || kind == Kind.BATCHNORM;
  }

  /** y = y * s[c] + t[c] per output channel, folded into the weights. */
  void scaleShift(float[] s, float[] t) {
    if (kind == Kind.BATCHNORM) {
      for (int c = 0; c < outs; c++) {
        gamma[c] *= s[c];
        beta[c] = beta[c] * s[c] + t[c];
      }
      return;
    }
    int per = w.length / outs;
    if (b == null) {
      b = new float[outs];
    }
    for (int c = 0; c < outs; c++) {
      if (s[c] != 1f) {
        for (int q = 0; q < per; q++) {
          w[c * per + q] *= s[c];
        }
      }
      b[c] = b[c] * s[c] + t[c];
    }
  }

  Layer build() {
    return switch (kind) {
      case DENSE -> {
        Dense d = new Dense(in, outs, b != null);
        set(d.weight().latent(), w);
        if (b != null) {
          set(d.bias().latent(), b);
        }
        WeightQuant.attach(weightQuant, d.weight());
        d.setInputQuantizer(inputQuant == null ? null : inputQuant.make().get());
        yield d;
      }
      case CONV -> {
        Conv2d c = new Conv2d(in, outs, k, k, stride, pad, b != null);
        set(c.weight().latent(), w);
        if (b != null) {
          set(c.bias().latent(), b);
        }
        WeightQuant.attach(weightQuant, c.weight());
        c.setInputQuantizer(inputQuant == null ? null : inputQuant.make().get());
        yield c;
      }
      case POOL -> new Pool2d(mode, k, stride);
      case BATCHNORM -> {
        BatchNorm bn = new BatchNorm(outs, eps, momentum);
        set(bn.gamma().latent(), gamma);
        set(bn.beta().latent(), beta);
        set(bn.runningMean(), mean);
        set(bn.runningVar(), var);
        yield bn;
      }
      case ACTIVATION -> new Activation(function, alpha);
      case SOFTMAX -> new Softmax();
      case FLATTEN -> new Flatten();
      case DROPOUT -> new Dropout(p);
      case ADD -> new Add();
    };
  }

  private static void set(Tensor t, float[] v) {
    System.arraycopy(v, 0, t.data(), 0, v.length);
  }
}
