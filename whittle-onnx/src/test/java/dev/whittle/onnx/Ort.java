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

  /** How ONNX Runtime optimizes the graph. */
  enum Mode {
    /** Every optimization (the default), QDQ fusion into integer kernels included. */
    ALL,
    /** Every optimization but QDQ fusion ({@code session.disable_quant_qdq}). */
    UNFUSED,
    /** None: each operator as ONNX defines it. */
    NONE
  }

  /** The flat outputs of {@code n} samples of {@code sample} shape stored one after another. */
  static float[] run(byte[] model, float[] x, int n, int[] sample) {
    return run(model, x, n, sample, Mode.ALL, null);
  }

  /**
   * {@link #run(byte[], float[], int, int[])} optimized as {@code mode} says; when {@code
   * optimized} is not null, ONNX Runtime writes the graph it runs there.
   */
  static float[] run(byte[] model, float[] x, int n, int[] sample, Mode mode,
      java.nio.file.Path optimized) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = new long[sample.length + 1];
    shape[0] = n;
    for (int i = 0; i < sample.length; i++) {
      shape[i + 1] = sample[i];
    }
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      opts.setOptimizationLevel(mode == Mode.NONE ? OrtSession.SessionOptions.OptLevel.NO_OPT
          : OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (mode == Mode.UNFUSED) {
        opts.addConfigEntry("session.disable_quant_qdq", "1");
      }
      if (optimized != null) {
        opts.setOptimizedModelFilePath(optimized.toString());
      }
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

  /**
   * The values named {@code names} (float32 values inside the graph) for {@code n} samples: the
   * model is run with them as its outputs.
   */
  static java.util.Map<String, float[]> values(byte[] model, java.util.List<String> names,
      float[] x, int n, int[] sample) {
    dev.whittle.onnx.proto.Onnx.ModelProto.Builder b;
    try {
      b = dev.whittle.onnx.proto.Onnx.ModelProto.parseFrom(model).toBuilder();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    b.getGraphBuilder().clearOutput();
    for (String name : names) {
      b.getGraphBuilder().addOutput(dev.whittle.onnx.proto.Onnx.ValueInfoProto.newBuilder()
          .setName(name).setType(dev.whittle.onnx.proto.Onnx.TypeProto.newBuilder()
              .setTensorType(dev.whittle.onnx.proto.Onnx.TypeProto.Tensor.newBuilder()
                  .setElemType(DataTypes.FLOAT))));
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = new long[sample.length + 1];
    shape[0] = n;
    for (int i = 0; i < sample.length; i++) {
      shape[i + 1] = sample[i];
    }
    java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(b.build().toByteArray(), opts);
          OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, n * size(sample)),
              shape);
          OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
        for (int i = 0; i < names.size(); i++) {
          FloatBuffer fb = ((OnnxTensor) r.get(i)).getFloatBuffer();
          float[] y = new float[fb.remaining()];
          fb.get(y);
          out.put(names.get(i), y);
        }
      }
    } catch (OrtException e) {
      throw new AssertionError("ONNX Runtime: " + e.getMessage(), e);
    }
    return out;
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
