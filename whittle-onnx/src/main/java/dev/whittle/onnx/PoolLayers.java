package dev.whittle.onnx;

import dev.whittle.nn.Pool2d;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Translates pooling into Whittle's Pool2d: MaxPool and AveragePool, their global forms, and
 * ReduceMean over the spatial axes (a global average pooling).
 */
final class PoolLayers {
  private final ImportContext ctx;
  private final Windows windows;

  PoolLayers(ImportContext ctx) {
    this.ctx = ctx;
    this.windows = new Windows(ctx);
  }

  void pool() {
    boolean max = ctx.cur.getOpType().equals("MaxPool");
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    if (max && ctx.outputUsed(1)) {
      throw ctx.fail("its Indices output is used, which Whittle does not compute");
    }
    int[] s = ctx.layout(x, 3, "pools");
    long[] ks = ctx.attrInts("kernel_shape");
    if (ks == null || ks.length != 2) {
      throw ctx.fail("kernel_shape " + (ks == null ? "is missing" : Arrays.toString(ks)
          + " is not 2-D"));
    }
    if (ks[0] != ks[1] || ks[0] < 1 || ks[0] > 4096) {
      throw ctx.fail("kernel_shape " + Arrays.toString(ks) + " is not square; Whittle's pooling"
          + " uses square windows");
    }
    int k = (int) ks[0];
    long[] st = windows.ints2("strides", 1);
    if (st[0] != st[1] || st[0] < 1 || st[0] > 4096) {
      throw ctx.fail("strides " + Arrays.toString(st) + " differ; Whittle supports one stride");
    }
    int stride = (int) st[0];
    long[] dil = windows.ints2("dilations", 1);
    if (dil[0] != 1 || dil[1] != 1) {
      throw ctx.fail("dilations " + Arrays.toString(dil) + " are not supported");
    }
    int pad = windows.padding(s[1], s[2], k, stride);
    if (pad != 0) {
      throw ctx.fail("pads the input by " + pad + "; Whittle's pooling has no padding ("
          + (max ? "" : "and AveragePool's count_include_pad would be ambiguous; ")
          + "export the model without pooling padding)");
    }
    if (s[1] < k || s[2] < k) {
      throw ctx.fail("window " + k + "x" + k + " is larger than its input " + Dims.batched(s));
    }
    if (ctx.attrInt("ceil_mode", 0) != 0 && ((s[1] - k) % stride != 0
        || (s[2] - k) % stride != 0)) {
      throw ctx.fail("ceil_mode=1 adds partial windows here; Whittle pools full windows only"
          + " (ceil_mode=0)");
    }
    pool2d(x, max ? Pool2d.Mode.MAX : Pool2d.Mode.AVG, k, stride, s);
  }

  private Dyn pool2d(Dyn x, Pool2d.Mode mode, int k, int stride, int[] s) {
    LNode n = ctx.add(LNode.Kind.POOL, ctx.nameFor(null, "pool"), List.of(x.src),
        new int[] {s[0], (s[1] - k) / stride + 1, (s[2] - k) / stride + 1});
    n.mode = mode;
    n.k = k;
    n.stride = stride;
    Dyn d = Dyn.of(n);
    ctx.out(0, d);
    return d;
  }

  void globalPool(Pool2d.Mode mode, boolean keep) {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    int[] s = ctx.layout(x, 3, "pools");
    if (s[1] != s[2]) {
      throw ctx.fail("pools a " + s[1] + "x" + s[2] + " input globally; Whittle's pooling windows"
          + " are square, so a global pooling layer is needed for non-square inputs");
    }
    Dyn d = pool2d(x, mode, s[1], s[1], s);
    if (!keep) {
      ctx.out(0, new Dyn(d.src, new int[] {s[0]}, null, null, null, null));
    }
  }

  void reduceMean() {
    long[] axes = ctx.opset >= 18 ? ctx.constInts(1, "axes") : ctx.attrInts("axes");
    boolean keep = ctx.attrInt("keepdims", 1) != 0;
    Dyn x = ctx.dynIn(0);
    int r = x.shape.length + 1;
    Set<Integer> ax = new HashSet<>();
    if (axes != null) {
      for (long a : axes) {
        ax.add(ConstOps.axis(a, r, "axis"));
      }
    }
    if (r != 4 || !ax.equals(Set.of(2, 3))) {
      throw ctx.fail("averages over axes " + (axes == null ? "all" : Arrays.toString(axes))
          + " of " + Dims.batched(x.shape) + "; Whittle supports the spatial mean over axes"
          + " [2, 3] (global average pooling)");
    }
    globalPool(Pool2d.Mode.AVG, keep);
  }
}
