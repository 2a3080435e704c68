package dev.whittle.onnx;

import dev.whittle.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Translates element-wise operators: activations, Softmax (and a final LogSoftmax that is
 * stripped), the addition of activations (a residual Add or Sum), and Add, Sub, Mul and Div by a
 * constant, which become an affine map ({@link AffineFolding}).
 */
final class ElementwiseOps {
  private final ImportContext ctx;
  private final AffineFolding folding;

  ElementwiseOps(ImportContext ctx) {
    this.ctx = ctx;
    this.folding = new AffineFolding(ctx);
  }

  void activation(Activation.Function f, float alpha, String kind) {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    LNode n = ctx.add(LNode.Kind.ACTIVATION, ctx.nameFor(null, kind), List.of(x.src), ctx.phys(x));
    n.function = f;
    n.alpha = alpha;
    ctx.out(0, new Dyn(n.name, x.shape, x.perm, null, null, null));
  }

  void softmax(boolean log) {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    int r = x.shape.length + 1;
    long axis = ctx.attrInt("axis", ctx.opset >= 13 ? -1 : 1);
    int ax = ConstOps.axis(axis, r, "axis");
    boolean whole;
    if (ctx.opset >= 13) {
      whole = ax >= 1;
      for (int i = 1; i < r; i++) {
        whole &= i == ax || x.shape[i - 1] == 1;
      }
    } else {
      whole = ax == 1;
    }
    if (!whole) {
      throw ctx.fail("normalizes over axis " + axis + " of " + Dims.batched(x.shape)
          + "; Whittle's softmax normalizes each sample as a whole");
    }
    if (log) {
      if (!ctx.options.stripFinalLogSoftmax()) {
        throw ctx.fail("Whittle has no log-softmax layer; import with --strip-log-softmax to keep"
            + " the logits instead (same predictions and training loss)");
      }
      if (!ctx.graphOutputs.contains(ctx.cur.getOutput(0))
          || ctx.uses.getOrDefault(ctx.cur.getOutput(0), 0) != 1) {
        throw ctx.fail("is not the model's final operation, so it cannot be stripped");
      }
      ctx.notes.add("final LogSoftmax stripped: the model outputs logits");
      ctx.out(0, x);
      return;
    }
    LNode n = ctx.add(LNode.Kind.SOFTMAX, ctx.nameFor(null, "softmax"), List.of(x.src),
        ctx.phys(x));
    ctx.out(0, new Dyn(n.name, x.shape, x.perm, null, null, null));
  }

  void sum() {
    List<Dyn> xs = new ArrayList<>();
    for (int i = 0; i < ctx.cur.getInputCount(); i++) {
      Value v = ctx.in(i);
      if (!(v instanceof Dyn d)) {
        throw ctx.fail("adds the constant '" + ctx.cur.getInput(i) + "' to activations; use Add");
      }
      xs.add(d);
    }
    if (xs.size() == 1) {
      ctx.out(0, ctx.alias(xs.get(0)));
      return;
    }
    residual(xs);
  }

  private void residual(List<Dyn> xs) {
    Dyn a = xs.get(0);
    List<String> srcs = new ArrayList<>();
    for (Dyn x : xs) {
      ctx.noAffine(x);
      if (!Arrays.equals(x.shape, a.shape) || !Arrays.equals(ctx.phys(x), ctx.phys(a))
          || !Arrays.equals(x.perm, a.perm)) {
        throw ctx.fail("adds activations of shapes " + Dims.batched(a.shape) + " and "
            + Dims.batched(x.shape) + "; Whittle adds activations of one shape (no broadcasting)");
      }
      srcs.add(x.src);
    }
    LNode n = ctx.add(LNode.Kind.ADD, ctx.nameFor(null, "add"), srcs, ctx.phys(a));
    ctx.out(0, new Dyn(n.name, a.shape, a.perm, null, null, null));
  }

  /** Add, Sub, Mul or Div: of two activations (a residual Add), or by a constant (affine). */
  void constantOrResidual(String op) {
    Value va = ctx.in(0);
    Value vb = ctx.in(1);
    if (va instanceof Dyn a && vb instanceof Dyn b) {
      if (!op.equals("Add")) {
        throw ctx.fail(op + " of two activations needs an element-wise "
            + op.toLowerCase(Locale.ROOT)
            + " layer, which Whittle lacks");
      }
      residual(List.of(a, b));
      return;
    }
    boolean constFirst = va instanceof Const;
    Dyn x = (Dyn) (constFirst ? vb : va);
    Const c = (Const) (constFirst ? va : vb);
    float[] ce = folding.expand(c, x.shape);
    int n = ce.length;
    float[] s = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      switch (op) {
        case "Add" -> {
          s[i] = 1f;
          t[i] = ce[i];
        }
        case "Sub" -> {
          s[i] = constFirst ? -1f : 1f;
          t[i] = constFirst ? ce[i] : -ce[i];
        }
        case "Mul" -> s[i] = ce[i];
        case "Div" -> {
          if (constFirst) {
            throw ctx.fail("divides a constant by an activation, which is not an affine map");
          }
          s[i] = 1f / ce[i];
        }
        default -> throw new IllegalStateException(op);
      }
    }
    ctx.out(0, folding.affine(x, constFirst ? 1 : 0, s, t));
  }
}
