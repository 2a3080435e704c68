package dev.whittle.plan;

import dev.whittle.InputException;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * A model compiled for inference: BatchNorm folded into the layer before it, activations fused,
 * weights stored in the form their kernel reads. A plan is immutable and thread-safe: every
 * thread that calls {@link #predict} gets its own workspace, allocated once per batch size and
 * reused, so steady-state calls do not allocate beyond the returned array.
 */
public final class Plan {
  /** One op and where its inputs come from: -1 is the plan's input, else an earlier step. */
  record Step(String name, Op op, int[] inputs, int outSize) {}

  private final int[] inputShape;
  private final int inSize;
  private final int outputs;
  private final List<Step> steps;
  private final int output; // the step whose buffer is the result
  private final ThreadLocal<float[][]> workspaces;
  private final ThreadLocal<int[]> capacity = ThreadLocal.withInitial(() -> new int[1]);
  private final ThreadLocal<float[][][]> inputArrays; // per step, the arrays its op reads

  Plan(int[] inputShape, List<Step> steps, int output) {
    this.inputShape = inputShape.clone();
    this.inSize = Math.toIntExact(Shapes.size(inputShape));
    this.steps = List.copyOf(steps);
    this.output = output;
    this.outputs = output < 0 ? inSize : steps.get(output).outSize();
    this.workspaces = ThreadLocal.withInitial(() -> new float[steps.size()][]);
    this.inputArrays = ThreadLocal.withInitial(() -> {
      float[][][] a = new float[steps.size()][][];
      for (int i = 0; i < a.length; i++) {
        a[i] = new float[steps.get(i).inputs().length][];
      }
      return a;
    });
  }

  /** Compiles a model as it is now; later changes to the model do not reach the plan. */
  public static Plan compile(Model model) {
    return PlanCompiler.compile(model);
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Values per sample of the output (the classes' logits). */
  public int outputs() {
    return outputs;
  }

  /** Multiply-adds per sample the plan executes. */
  public long macs() {
    long m = 0;
    for (Step s : steps) {
      m += s.op().macs();
    }
    return m;
  }

  /** One line per op: its name and what it runs. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Step s : steps) {
      out.add(s.name() + ": " + s.op().describe());
    }
    return out;
  }

  /** The outputs (n, outputs) of n samples stored one after another in {@code x}. */
  public float[] predict(float[] x, int n) {
    float[] out = new float[n * outputs];
    predict(x, n, out);
    return out;
  }

  /** Writes the outputs (n, outputs) of n samples into {@code out}. */
  public void predict(float[] x, int n, float[] out) {
    if (n < 1 || x.length < (long) n * inSize || out.length < (long) n * outputs) {
      throw new InputException("plan input: expected " + n + " samples of "
          + Shapes.format(inputShape) + " (" + (long) n * inSize + " values) and room for "
          + (long) n * outputs + " outputs, got " + x.length + " and " + out.length);
    }
    float[][] ws = workspaces.get();
    int[] cap = capacity.get();
    if (cap[0] < n) {
      for (int i = 0; i < steps.size(); i++) {
        ws[i] = new float[n * steps.get(i).outSize()];
      }
      cap[0] = n;
    }
    float[][][] ins = inputArrays.get();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      for (int k = 0; k < ins[i].length; k++) {
        ins[i][k] = s.inputs()[k] < 0 ? x : ws[s.inputs()[k]];
      }
      s.op().run(ins[i], n, ws[i]);
    }
    System.arraycopy(output < 0 ? x : ws[output], 0, out, 0, n * outputs);
  }
}
