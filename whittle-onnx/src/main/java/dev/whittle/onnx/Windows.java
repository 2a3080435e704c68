package dev.whittle.onnx;

import java.util.Arrays;

/** The attributes of a 2-D window operation (Conv, MaxPool, AveragePool): pairs and padding. */
final class Windows {
  private final ImportContext ctx;

  Windows(ImportContext ctx) {
    this.ctx = ctx;
  }

  long[] ints2(String name, long def) {
    long[] v = ctx.attrInts(name);
    if (v == null) {
      return new long[] {def, def};
    }
    if (v.length != 2) {
      throw ctx.fail(name + " " + Arrays.toString(v) + " is not two values; Whittle supports 2-D"
          + " operations");
    }
    return v;
  }

  /** The symmetric padding of a 2-D window operation, or an error for what Whittle lacks. */
  int padding(int h, int w, int k, int s) {
    String autoPad = ctx.attrString("auto_pad", "NOTSET");
    switch (autoPad) {
      case "NOTSET", "" -> {
        long[] pads = ctx.attrInts("pads");
        if (pads == null) {
          return 0;
        }
        if (pads.length != 4) {
          throw ctx.fail("pads " + Arrays.toString(pads) + " is not four values");
        }
        if (pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]) {
          throw ctx.fail("pads " + Arrays.toString(pads) + " differ; Whittle supports the same"
              + " padding on every side");
        }
        if (pads[0] < 0 || pads[0] > 1024) {
          throw ctx.fail("pads " + Arrays.toString(pads) + " are out of range");
        }
        return (int) pads[0];
      }
      case "VALID" -> {
        return 0;
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        int th = Math.max(((h + s - 1) / s - 1) * s + k - h, 0);
        int tw = Math.max(((w + s - 1) / s - 1) * s + k - w, 0);
        if (th != tw || th % 2 != 0) {
          throw ctx.fail("auto_pad " + autoPad + " pads " + th + " rows and " + tw + " columns,"
              + " unevenly; Whittle supports the same padding on every side");
        }
        return th / 2;
      }
      default -> throw ctx.fail("auto_pad '" + autoPad + "' is not known");
    }
  }
}
