package dev.whittle.onnx;

import dev.whittle.onnx.proto.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates at import time the nodes whose inputs are all constants (weights, Constant nodes and
 * shape sub-graphs such as {@code Shape -> Gather -> Concat -> Reshape}); the arithmetic itself
 * is in {@link ConstOps}, {@link ConstLayout} and {@link Quantization}.
 */
final class ConstFolder {
  private final ImportContext ctx;

  ConstFolder(ImportContext ctx) {
    this.ctx = ctx;
  }

  static boolean foldable(String op) {
    return switch (op) {
      case "Identity", "Dropout", "Cast", "Constant", "Add", "Sub", "Mul", "Div", "Pow", "Neg",
          "Sqrt", "Reciprocal", "Abs", "Relu", "Exp", "Reshape", "Flatten", "Transpose",
          "Squeeze", "Unsqueeze", "Concat", "Gather", "Slice", "Shape", "ConstantOfShape",
          "QuantizeLinear", "DequantizeLinear", "Sum" -> true;
      default -> false;
    };
  }

  /** Evaluates a node whose inputs are all constants. */
  Const fold(String op) {
    return switch (op) {
      case "Identity", "Dropout" -> ctx.constIn(0, "input");
      case "Constant" -> constant();
      case "Cast" -> ConstOps.cast(ctx.constIn(0, "input"),
          (int) ctx.attrInt("to", DataTypes.FLOAT));
      case "Add", "Sub", "Mul", "Div", "Pow" -> ConstOps.binary(op, ctx.constIn(0, "A"),
          ctx.constIn(1, "B"));
      case "Sum" -> {
        Const acc = ctx.constIn(0, "input");
        for (int i = 1; i < ctx.cur.getInputCount(); i++) {
          acc = ConstOps.binary("Add", acc, ctx.constIn(i, "input"));
        }
        yield acc;
      }
      case "Neg", "Sqrt", "Reciprocal", "Abs", "Relu", "Exp" -> ConstOps.unary(op,
          ctx.constIn(0, "input"));
      case "Reshape" -> {
        Const x = ctx.constIn(0, "data");
        long[] shape = ctx.opset >= 5 ? ctx.constIn(1, "shape").toLongs() : ctx.attrInts("shape");
        yield x.reshape(ConstLayout.reshapeTarget(x.dims, shape, ctx.attrInt("allowzero", 0) != 0));
      }
      case "Flatten" -> {
        Const x = ctx.constIn(0, "input");
        int ax = (int) ctx.attrInt("axis", 1);
        ax = ax < 0 ? ax + x.rank() : ax;
        if (ax < 0 || ax > x.rank()) {
          throw ctx.fail("axis " + ctx.attrInt("axis", 1) + " is out of range");
        }
        int a = Dims.size(Arrays.copyOfRange(x.dims, 0, ax));
        yield x.reshape(new int[] {a, x.size() / Math.max(a, 1)});
      }
      case "Transpose" -> {
        Const x = ctx.constIn(0, "data");
        yield ConstLayout.transpose(x, ConstLayout.perm(ctx.attrInts("perm"), x.rank()));
      }
      case "Unsqueeze" -> ConstLayout.unsqueeze(ctx.constIn(0, "data"), ctx.axes(true));
      case "Squeeze" -> {
        Const x = ctx.constIn(0, "data");
        yield x.reshape(ConstLayout.squeezeDims(x.dims, ctx.axes(false)));
      }
      case "Concat" -> {
        List<Const> parts = new ArrayList<>();
        for (int i = 0; i < ctx.cur.getInputCount(); i++) {
          parts.add(ctx.constIn(i, "input"));
        }
        AttributeProto a = ctx.attr("axis");
        if (a == null) {
          throw ctx.fail("has no axis attribute");
        }
        yield ConstLayout.concat(parts, a.getI());
      }
      case "Gather" -> ConstLayout.gather(ctx.constIn(0, "data"), ctx.constIn(1, "indices"),
          ctx.attrInt("axis", 0));
      case "Slice" -> slice();
      case "Shape" -> {
        Const x = ctx.constIn(0, "data");
        long[] full = new long[x.rank()];
        for (int i = 0; i < full.length; i++) {
          full[i] = x.dims[i];
        }
        AttributeProto end = ctx.attr("end");
        yield ConstOps.shape(full, ctx.attrInt("start", 0), end == null ? null : end.getI());
      }
      case "ConstantOfShape" -> {
        Const s = ctx.constIn(0, "shape");
        ConstOps.noBatch(s, "ConstantOfShape");
        long[] d = s.toLongs();
        int[] dims = new int[d.length];
        long total = 1;
        for (int i = 0; i < d.length; i++) {
          if (d[i] < 0 || d[i] > Integer.MAX_VALUE) {
            throw ctx.fail("shape has dimension " + d[i]);
          }
          dims[i] = (int) d[i];
          total *= d[i];
          if (total > ctx.options.maxTensorElements()) {
            throw ctx.fail("makes a tensor larger than the limit of "
                + ctx.options.maxTensorElements()
                + " elements");
          }
        }
        AttributeProto v = ctx.attr("value");
        Const fill = v == null ? Const.floats(new int[] {1}, new float[] {0f})
            : ctx.tensors.read(v.getT(), "the value of node " + ctx.nodeText());
        if (fill.size() != 1) {
          throw ctx.fail("value must hold one element");
        }
        if (fill.isFloat()) {
          float[] f = new float[(int) total];
          Arrays.fill(f, fill.f[0]);
          yield Const.floats(dims, fill.dtype, f);
        }
        long[] l = new long[(int) total];
        Arrays.fill(l, fill.l[0]);
        yield Const.longs(dims, fill.dtype, l);
      }
      case "DequantizeLinear" -> {
        Const x = ctx.constIn(0, "x");
        Const scale = ctx.constIn(1, "x_scale");
        Const zero = ctx.optConst(2, "x_zero_point");
        yield Quantization.dequantize(x, scale, zero, ctx.attrInt("axis", 1),
            ctx.attrInt("block_size", 0));
      }
      case "QuantizeLinear" -> {
        Const x = ctx.constIn(0, "x");
        Const scale = ctx.constIn(1, "y_scale");
        Const zero = ctx.optConst(2, "y_zero_point");
        int type = zero != null ? zero.dtype : (int) ctx.attrInt("output_dtype", DataTypes.UINT8);
        if (type == 0) {
          type = DataTypes.UINT8;
        }
        if (DataTypes.isFloat(type) || DataTypes.bits(type) > 16) {
          throw ctx.fail("quantizes to " + DataTypes.name(type) + ", which Whittle does not fold");
        }
        yield Quantization.quantize(x, scale, zero, ctx.attrInt("axis", 1),
            ctx.attrInt("block_size", 0), type);
      }
      default -> throw new IllegalStateException(op);
    };
  }

  private Const constant() {
    for (AttributeProto a : ctx.cur.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return ctx.tensors.read(a.getT(), "the value of " + ctx.nodeText());
        case "value_float":
          return Const.floats(new int[0], new float[] {a.getF()});
        case "value_floats": {
          float[] f = new float[a.getFloatsCount()];
          for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
          }
          return Const.floats(new int[] {f.length}, f);
        }
        case "value_int":
          return Const.longs(new int[0], new long[] {a.getI()});
        case "value_ints": {
          long[] l = new long[a.getIntsCount()];
          for (int i = 0; i < l.length; i++) {
            l[i] = a.getInts(i);
          }
          return Const.longs(new int[] {l.length}, l);
        }
        default:
          throw ctx.fail("has attribute '" + a.getName() + "', which Whittle does not read");
      }
    }
    throw ctx.fail("has no value");
  }

  private Const slice() {
    Const x = ctx.constIn(0, "data");
    if (ctx.opset < 10) {
      long[] starts = ctx.attrInts("starts");
      long[] ends = ctx.attrInts("ends");
      if (starts == null || ends == null) {
        throw ctx.fail("has no starts or ends");
      }
      return ConstLayout.slice(x, starts, ends, ctx.attrInts("axes"), null);
    }
    return ConstLayout.slice(x, ctx.constIn(1, "starts").toLongs(), ctx.constIn(2,
        "ends").toLongs(),
        ctx.constInts(3, "axes"), ctx.constInts(4, "steps"));
  }
}
