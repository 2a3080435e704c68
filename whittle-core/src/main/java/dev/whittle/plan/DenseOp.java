package dev.whittle.plan;

import dev.whittle.kernel.Gemm;
import dev.whittle.kernel.VectorOps;

/**
 * y (n, out) = act(x (n, in) W^T + b), with BatchNorm already folded into W and b. At batch 1
 * the GEMM takes its matrix-vector path.
 */
final class DenseOp implements Op {
  private final int in;
  private final int out;
  private final float[] weight; // (out, in)
  private final float[] bias; // (out)
  private final Epilogue epilogue;

  DenseOp(int in, int out, float[] weight, float[] bias, Epilogue epilogue) {
    this.in = in;
    this.out = out;
    this.weight = weight;
    this.bias = bias;
    this.epilogue = epilogue;
  }

  @Override
  public void run(float[][] inputs, int n, float[] y) {
    Gemm.sgemm(false, true, n, out, in, inputs[0], 0, in, weight, 0, in, 0f, y, 0, out);
    VectorOps.addBiasRows(y, n, out, bias);
    Epilogue.apply(epilogue, y, 0, n * out);
  }

  @Override
  public long macs() {
    return (long) in * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "->" + out + " f32" + Epilogue.describe(epilogue);
  }
}
