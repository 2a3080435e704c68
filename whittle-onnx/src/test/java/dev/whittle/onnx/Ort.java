package dev.whittle.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an ONNX model in ONNX Runtime (the reference; test scope only). */
final class Ort {
  private Ort() {}

  /** The flat outputs of {@code n} samples of {@code sample} shape stored one after another. */
  static float[] run(byte[] model, float[] x, int n, int[] sample) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = new long[sample.length + 1];
    shape[0] = n;
    for (int i = 0; i < sample.length; i++) {
      shape[i + 1] = sample[i];
    }
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(model, opts);
          OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, n * size(sample)),
              shape);
          OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
        OnnxTensor out = (OnnxTensor) r.get(0);
        FloatBuffer fb = out.getFloatBuffer();
        float[] y = new float[fb.remaining()];
        fb.get(y);
        return y;
      }
    } catch (OrtException e) {
      throw new AssertionError("ONNX Runtime: " + e.getMessage(), e);
    }
  }

  static int size(int[] s) {
    int n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " and " + b.length);
    }
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      float d = Math.abs(a[i] - b[i]);
      if (!(d <= m)) {
        m = Float.isNaN(d) ? Float.NaN : d;
        if (Float.isNaN(m)) {
          return m;
        }
      }
    }
    return m;
  }
}
