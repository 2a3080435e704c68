package dev.whittle.onnx;

import dev.whittle.compress.quantize.QParams;
import dev.whittle.compress.quantize.SignInput;
import dev.whittle.compress.quantize.UniformInput;
import dev.whittle.nn.InputQuantizer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the quantization of activations into the {@link InputQuantizer} of the Dense or
 * Conv2d layer that reads the result, for the patterns {@link QdqInputs} writes:
 *
 * <ul>
 *   <li>{@code [Clip ->] QuantizeLinear -> DequantizeLinear} per tensor, uint8 or int8 codes (int8
 *       codes are uint8 codes shifted by 128): a static {@link UniformInput}; a Clip caps the
 *       codes at {@code 2^b - 1}, which gives b bits;
 *   <li>{@code dev.whittle:DynamicQuantizeRows<b>[Symmetric]}: a dynamic UniformInput (the function
 *       is Whittle's own; its name says what it computes);
 *   <li>{@code Where(GreaterOrEqual(x, 0), 1, -1)}: a {@link SignInput}.
 * </ul>
 *
 * The values in the middle of a pattern are {@link Partial}s, which only the next operator of the
 * pattern may read. The quantized activation carries a {@link Pending} quantizer; an operator
 * other than Gemm, MatMul or Conv that reads it drops the quantization (with an import note).
 */
final class ActivationQuant {
  private static final Pattern DYNAMIC = Pattern.compile("DynamicQuantizeRows([2-8])(Symmetric)?");

  /** A quantizer waiting for its layer: {@code make} gives each reading layer its own. */
  record Pending(String what, Supplier<InputQuantizer> make) {}

  /** A value in the middle of a quantizer pattern. */
  sealed interface Partial extends Value permits Clipped, Quantized, SignTest {
    /** The operator that made it. */
    String op();

    /** The only operator that may read it. */
    String next();
  }

  record Clipped(Dyn x, float lo, float hi) implements Partial {
    public String op() {
      return "Clip";
    }

    public String next() {
      return "QuantizeLinear";
    }
  }

  /** Unsigned codes with zero point {@code zp} and {@code bits} bits; {@code raw} as stored. */
  record Quantized(Dyn x, float scale, int zp, int bits, Const rawZero) implements Partial {
    public String op() {
      return "QuantizeLinear";
    }

    public String next() {
      return "DequantizeLinear";
    }
  }

  record SignTest(Dyn x) implements Partial {
    public String op() {
      return "GreaterOrEqual";
    }

    public String next() {
      return "Where";
    }
  }

  private final ImportContext ctx;

  ActivationQuant(ImportContext ctx) {
    this.ctx = ctx;
  }

  void clip() {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    if (ctx.opset < 11) {
      lo = ctx.attrFloat("min", lo);
      hi = ctx.attrFloat("max", hi);
    } else {
      Const a = ctx.optConst(1, "min");
      Const b = ctx.optConst(2, "max");
      lo = a == null ? lo : scalar(a, "min");
      hi = b == null ? hi : scalar(b, "max");
    }
    ctx.out(0, new Clipped(x, lo, hi));
  }

  void quantize() {
    Value v = ctx.in(0);
    Clipped clip = v instanceof Clipped c ? c : null;
    Dyn x = clip != null ? clip.x() : ctx.dynIn(0);
    ctx.noAffine(x);
    Const s = ctx.constIn(1, "y_scale");
    Const z = ctx.optConst(2, "y_zero_point");
    if (s.size() != 1 || (z != null && z.size() != 1)) {
      throw ctx.fail("quantizes an activation per axis; Whittle quantizes layer inputs per tensor");
    }
    int type = z != null ? z.dtype : (int) ctx.attrInt("output_dtype", DataTypes.UINT8);
    if (type != DataTypes.UINT8 && type != DataTypes.INT8) {
      throw ctx.fail("quantizes an activation to " + DataTypes.name(type)
          + "; Whittle reads uint8 and int8 activation codes");
    }
    float scale = s.toFloats()[0];
    if (!(scale > 0f) || Float.isInfinite(scale)) {
      throw ctx.fail("has scale " + scale + "; a scale must be positive and finite");
    }
    int zp = (int) (z == null ? 0 : z.getLong(0)) + (type == DataTypes.INT8 ? 128 : 0);
    int top = 255;
    if (clip != null) {
      // Clip then rint(x / s) is a clamp of the codes: monotone, so x above hi gets hi's code.
      if (clip.hi() < Float.POSITIVE_INFINITY) {
        top = (int) Math.max(0, Math.min(255, Math.rint(clip.hi() / scale) + zp));
      }
      if (clip.lo() > Float.NEGATIVE_INFINITY && Math.rint(clip.lo() / scale) + zp > 0) {
        throw ctx.fail("reads an activation clipped at " + clip.lo() + ", above the lowest code;"
            + " Whittle's input codes start at 0");
      }
    }
    int bits = 31 - Integer.numberOfLeadingZeros(top + 1);
    if (top + 1 != 1 << bits || bits < 2) {
      throw ctx.fail("reads an activation clipped to code " + top + "; Whittle's input codes"
          + " run from 0 to 2^b - 1 for 2 to 8 bits");
    }
    ctx.out(0, new Quantized(x, scale, zp, bits, z));
  }

  void dequantize() {
    if (!(ctx.in(0) instanceof Quantized q)) {
      throw ctx.fail("dequantizes an activation that no QuantizeLinear quantized; Whittle's"
          + " activations are float32");
    }
    Const s = ctx.constIn(1, "x_scale");
    Const z = ctx.optConst(2, "x_zero_point");
    long rawZp = z == null ? 0 : z.size() == 1 ? z.getLong(0) : Long.MIN_VALUE;
    long qZp = q.rawZero() == null ? 0 : q.rawZero().getLong(0);
    if (s.size() != 1 || Float.compare(s.toFloats()[0], q.scale()) != 0 || rawZp != qZp
        || (z != null && q.rawZero() != null && z.dtype != q.rawZero().dtype)) {
      throw ctx.fail("dequantizes with other parameters than its QuantizeLinear used; Whittle"
          + " reads a QuantizeLinear -> DequantizeLinear pair with one scale and zero point");
    }
    float[] range = staticRange(q.scale(), q.zp(), q.bits());
    boolean symmetric = range[0] == 0f && q.zp() == 1 << (q.bits() - 1);
    QParams got = QParams.fromRange(range[0], range[1], q.bits(), symmetric, false);
    if (Float.compare(got.scale(0), q.scale()) != 0 || got.zeroPoint(0) != q.zp()) {
      ctx.notes.add(ctx.nodeText() + ": input scale " + q.scale() + " became " + got.scale(0)
          + " (no calibrated range gives it exactly)");
    }
    int bits = q.bits();
    Pending p = new Pending(bits + "-bit static", () -> {
      UniformInput u = new UniformInput(bits, symmetric, UniformInput.Mode.STATIC);
      u.setRange(range[0], range[1]);
      return u;
    });
    Dyn x = q.x();
    ctx.out(0, new Dyn(x.src, x.shape, x.perm, null, null, null, p));
  }

  void greaterOrEqual() {
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    Value b = ctx.in(1);
    if (!(b instanceof Const c) || c.size() != 1 || c.get(0) != 0) {
      throw ctx.fail("compares an activation with something other than the constant 0; Whittle"
          + " reads GreaterOrEqual only in the sign quantizer Where(x >= 0, 1, -1)");
    }
    ctx.out(0, new SignTest(x));
  }

  void where() {
    Value a = ctx.in(1);
    Value b = ctx.in(2);
    if (!(ctx.in(0) instanceof SignTest t) || !(a instanceof Const one) || one.size() != 1
        || one.get(0) != 1 || !(b instanceof Const minus) || minus.size() != 1
        || minus.get(0) != -1) {
      throw ctx.fail("is not the sign quantizer Where(GreaterOrEqual(x, 0), 1, -1), the only"
          + " Where Whittle reads");
    }
    Dyn x = t.x();
    ctx.out(0, new Dyn(x.src, x.shape, x.perm, null, null, null,
        new Pending("sign", SignInput::new)));
  }

  /** A call of one of Whittle's model-local functions ({@link ExportGraph#DOMAIN}). */
  void function() {
    Matcher m = DYNAMIC.matcher(ctx.cur.getOpType());
    if (!m.matches()) {
      throw ctx.fail("is not a function Whittle writes (" + QdqInputs.dynamicName(8, false)
          + " and the like)");
    }
    Dyn x = ctx.dynIn(0);
    ctx.noAffine(x);
    int bits = Integer.parseInt(m.group(1));
    boolean symmetric = m.group(2) != null;
    ctx.out(0, new Dyn(x.src, x.shape, x.perm, null, null, null, new Pending(bits
        + "-bit dynamic", () -> new UniformInput(bits, symmetric, UniformInput.Mode.DYNAMIC))));
  }

  private float scalar(Const c, String what) {
    if (c.size() != 1) {
      throw ctx.fail(what + " has shape " + c.shapeText() + "; Whittle reads a scalar");
    }
    return c.toFloats()[0];
  }

  /**
   * A range {min, max} from which {@link QParams#fromRange} computes exactly {@code scale} and
   * {@code zp} (unsigned codes), for the {@link UniformInput} of an imported QDQ pair; the closest
   * range when there is none (a scale that no range gives: {@code fl(span / (2^b - 1))} skips
   * some floats; every scale Whittle computed has one).
   *
   * <p>Symmetric when zp is 2^(b-1): {@code [0, max]} with {@code fl(max / ((2^b - 1) / 2)) ==
   * scale}. Else the span d = max - min must give {@code fl(d / (2^b - 1)) == scale}; the
   * candidates are the floats next to {@code (2^b - 1) * scale}, and for each, min near {@code
   * -zp * scale} such that {@code fl(max - min)} is d again and min rounds to the zero point.
   */
  static float[] staticRange(float scale, int zp, int bits) {
    int qmax = (1 << bits) - 1;
    boolean symmetric = zp == 1 << (bits - 1);
    float[] closest = null;
    for (boolean sym : symmetric ? new boolean[] {true, false} : new boolean[] {false}) {
      float levels = sym ? qmax / 2f : qmax;
      float d0 = levels * scale;
      for (int k = -6; k <= 6; k++) {
        float d = step(d0, k);
        if (!(d >= 0f) || Float.isInfinite(d)) {
          continue;
        }
        float lo0 = sym ? 0f : zp == qmax ? -d : -(zp * scale);
        for (int j = 0; j <= (sym ? 0 : 64); j++) {
          float lo = step(lo0, (j & 1) == 0 ? j / 2 : -(j + 1) / 2);
          float hi = lo > 0f ? -1f : zp == qmax && j == 0 ? 0f : d + lo;
          if (lo > 0f || hi < 0f) {
            continue;
          }
          QParams q = QParams.fromRange(lo, hi, bits, sym, false);
          if (Float.compare(q.scale(0), scale) == 0 && q.zeroPoint(0) == zp) {
            return new float[] {lo, hi};
          }
          if (closest == null && q.zeroPoint(0) == zp) {
            closest = new float[] {lo, hi};
          }
        }
      }
    }
    return closest != null ? closest : new float[] {-(zp * scale), (qmax - zp) * scale};
  }

  /** {@code x} moved by {@code k} floats (up when k > 0). */
  private static float step(float x, int k) {
    for (int i = 0; i < Math.abs(k); i++) {
      x = k > 0 ? Math.nextUp(x) : Math.nextDown(x);
    }
    return x;
  }
}
