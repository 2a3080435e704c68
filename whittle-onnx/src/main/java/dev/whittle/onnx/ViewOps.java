package dev.whittle.onnx;

import dev.whittle.onnx.proto.Onnx.AttributeProto;
import java.util.Arrays;
import java.util.List;

/**
 * Translates the operators that only change how an activation is seen: Flatten, Reshape,
 * Squeeze, Unsqueeze and Transpose become views of the same values ({@link Dyn}), a Flatten
 * layer where memory order requires one; Dropout, Pad and Shape are handled here too.
 */
final class ViewOps {
  private final ImportContext ctx;

  ViewOps(ImportContext ctx) {
    this.ctx = ctx;
  }

  void dropout() {
    Dyn x = ctx.dynIn(0);
    if (ctx.outputUsed(1)) {
      throw ctx.fail("its mask output is used; Whittle imports models for inference");
    }
    float ratio = 0.5f;
    if (ctx.opset >= 12) {
      Const r = ctx.optConst(1, "ratio");
      if (r != null) {
        ratio = (float) r.get(0);
      }
    } else {
      ratio = ctx.attrFloat("ratio", 0.5f);
    }
    if (x.hasAffine() || x.perm != null || !(ratio > 0f && ratio < 1f)) {
      ctx.out(0, ctx.alias(x));
      return;
    }
    LNode n = ctx.add(LNode.Kind.DROPOUT, ctx.nameFor(null, "drop"), List.of(x.src), ctx.phys(x));
    n.p = ratio;
    ctx.out(0, new Dyn(n.name, x.shape, null, null, null, null));
  }

  void flatten() {
    Dyn x = ctx.dynIn(0);
    int r = x.shape.length + 1;
    long axis = ctx.attrInt("axis", 1);
    long ax = axis < 0 ? axis + r : axis;
    if (ax <= 0 || ax > r) {
      throw ctx.fail("axis " + axis + " folds the batch into the features; Whittle keeps the batch"
          + " apart (axis=1)");
    }
    for (int i = 1; i < ax; i++) {
      if (x.shape[i - 1] != 1) {
        throw ctx.fail("axis " + axis + " folds the batch with dimension " + i + " of "
            + Dims.batched(x.shape) + "; Whittle keeps the batch apart (axis=1)");
      }
    }
    ctx.out(0, view(x, new int[] {x.size()}));
  }

  void reshape() {
    Dyn x = ctx.dynIn(0);
    long[] shape = ctx.opset >= 5 ? ctx.constIn(1, "shape").toLongs() : ctx.attrInts("shape");
    boolean allowZero = ctx.attrInt("allowzero", 0) != 0;
    if (shape.length == 0) {
      throw ctx.fail("reshapes an activation to a scalar");
    }
    int total = x.size();
    long first = shape[0];
    if (first == 0 && !allowZero) {
      first = Const.BATCH;
    }
    if (first != Const.BATCH && first != -1 && !(ctx.declaredBatch > 0
        && first == ctx.declaredBatch)) {
      throw ctx.fail("reshapes to " + shapeText(shape) + ", which fixes the batch size; Whittle"
          + " models take any batch (use -1 or the batch dimension of the input)");
    }
    int[] target = new int[shape.length - 1];
    int infer = -1;
    long known = 1;
    for (int i = 1; i < shape.length; i++) {
      long v = shape[i];
      if (v == 0 && !allowZero) {
        if (i > x.shape.length) {
          throw ctx.fail("copies dimension " + i + " of " + Dims.batched(x.shape)
              + ", which does not exist");
        }
        v = x.shape[i - 1];
      }
      if (v == Const.BATCH) {
        throw ctx.fail("moves the batch size to dimension " + i);
      }
      if (v == -1) {
        if (infer >= 0 || first == -1) {
          throw ctx.fail("reshapes to " + shapeText(shape) + ", with two unknown dimensions");
        }
        infer = i - 1;
        continue;
      }
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw ctx.fail("reshapes to " + shapeText(shape));
      }
      target[i - 1] = (int) v;
      known *= v;
    }
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw ctx.fail("cannot reshape " + Dims.batched(x.shape) + " to " + shapeText(shape));
      }
      target[infer] = (int) (total / known);
    } else if (known != total) {
      throw ctx.fail("reshapes " + Dims.batched(x.shape) + " to " + shapeText(shape)
          + ", which changes the batch size; Whittle keeps the batch");
    }
    ctx.out(0, view(x, target));
  }

  private static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i] == Const.BATCH ? "N" : String.valueOf(shape[i]));
    }
    return b.append(')').toString();
  }

  void squeeze(boolean unsqueeze) {
    Dyn x = ctx.dynIn(0);
    long[] axes = ctx.axes(unsqueeze);
    int[] full = Dims.prepend(1, x.shape);
    int[] res;
    if (unsqueeze) {
      int r = full.length + axes.length;
      for (long a : axes) {
        if (ConstOps.axis(a, r, "axis") == 0) {
          throw ctx.fail("inserts an axis before the batch");
        }
      }
      res = ConstLayout.unsqueeze(Const.longs(full, new long[x.size()]), axes).dims;
    } else {
      if (axes == null || axes.length == 0) {
        axes = java.util.stream.IntStream.range(1, full.length).filter(i -> full[i] == 1)
            .asLongStream().toArray();
      }
      for (long a : axes) {
        if (ConstOps.axis(a, full.length, "axis") == 0) {
          throw ctx.fail("removes the batch axis");
        }
      }
      res = ConstLayout.squeezeDims(full, axes);
    }
    ctx.out(0, view(x, Arrays.copyOfRange(res, 1, res.length)));
  }

  /** The activation seen with another per-sample shape of the same size. */
  private Dyn view(Dyn x, int[] shape) {
    if (Dims.size(shape) != x.size()) {
      throw ctx.fail("cannot view " + Dims.batched(x.shape) + " as " + Dims.batched(shape));
    }
    int[] p = ctx.phys(x);
    if (shape.length == 1 && p.length > 1) {
      LNode n = ctx.add(LNode.Kind.FLATTEN, ctx.nameFor(null, "flatten"), List.of(x.src), shape);
      return new Dyn(n.name, shape, x.perm, x.scale, x.shift, null, x.quant);
    }
    LNode keep = x.linear != null && Arrays.equals(shape, p) && ctx.usesOfInput(0) == 1
        ? x.linear : null;
    // Per-tensor, sign and per-sample quantization commute with a view of each sample.
    return new Dyn(x.src, shape, x.perm, x.scale, x.shift, keep, x.quant);
  }

  void transpose() {
    Dyn x = ctx.dynIn(0);
    int r = x.shape.length + 1;
    int[] perm = ConstLayout.perm(ctx.attrInts("perm"), r);
    if (perm[0] != 0) {
      throw ctx.fail("moves the batch axis (perm " + Arrays.toString(perm) + ")");
    }
    int[] lp = new int[r - 1];
    int[] shape = new int[r - 1];
    for (int i = 0; i < r - 1; i++) {
      lp[i] = perm[i + 1] - 1;
      shape[i] = x.shape[lp[i]];
    }
    int[] src = ConstLayout.permutation(x.shape, lp);
    int[] np = new int[src.length];
    boolean identity = true;
    for (int k = 0; k < src.length; k++) {
      np[k] = x.perm == null ? src[k] : x.perm[src[k]];
      identity &= np[k] == k;
    }
    float[] sc = null;
    float[] sh = null;
    if (x.hasAffine()) {
      sc = new float[src.length];
      sh = new float[src.length];
      for (int k = 0; k < src.length; k++) {
        sc[k] = x.scale[src[k]];
        sh[k] = x.shift[src[k]];
      }
    }
    ctx.out(0, new Dyn(x.src, shape, identity ? null : np, sc, sh, null));
  }

  /** A Pad that adds nothing (PyTorch writes one before AveragePool at opset 9) vanishes. */
  void pad() {
    Dyn x = ctx.dynIn(0);
    long[] pads = ctx.opset >= 11 ? ctx.constInts(1, "pads") : ctx.attrInts("pads");
    if (pads != null) {
      for (long p : pads) {
        if (p != 0) {
          throw ctx.fail("pads an activation by " + Arrays.toString(pads) + "; Whittle has no"
              + " padding layer (only a Conv's own pads are supported)");
        }
      }
    }
    ctx.out(0, ctx.alias(x));
  }

  void shapeOf() {
    Dyn x = ctx.dynIn(0);
    long[] full = new long[x.shape.length + 1];
    full[0] = Const.BATCH;
    for (int i = 0; i < x.shape.length; i++) {
      full[i + 1] = x.shape[i];
    }
    AttributeProto end = ctx.attr("end");
    ctx.out(0, ConstOps.shape(full, ctx.attrInt("start", 0), end == null ? null : end.getI()));
  }
}
