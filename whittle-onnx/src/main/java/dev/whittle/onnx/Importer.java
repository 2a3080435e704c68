package dev.whittle.onnx;

import dev.whittle.InputException;
import dev.whittle.nn.Activation;
import dev.whittle.nn.Model;
import dev.whittle.nn.Pool2d;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.Set;

/**
 * One import: walks the ONNX graph in topological order, evaluates what is constant, folds
 * constant affine operations and layout changes into weighted layers, and builds Whittle layers
 * for the rest. See {@link OnnxImporter} for what is supported.
 *
 * <p>The work is split by responsibility: {@link GraphLoader} checks the graph, {@link
 * ConstFolder} evaluates constants, {@link WeightedLayers}, {@link PoolLayers}, {@link
 * ElementwiseOps} and {@link ViewOps} translate operators, {@link AffineFolding} folds constant
 * affine maps into weights, and {@link ModelAssembler} builds the model.
 */
final class Importer {
  private final ImportContext ctx;
  private final ConstFolder constants;
  private final WeightedLayers weighted;
  private final PoolLayers pools;
  private final ElementwiseOps elementwise;
  private final ViewOps views;
  private final ActivationQuant quant;

  private static final Set<String> KEEP_QUANTIZATION = Set.of("Gemm", "MatMul", "Conv",
      "Identity", "Cast", "Flatten", "Reshape", "Squeeze", "Unsqueeze");

  Importer(ModelProto model, String file, Path folder, OnnxImporter.Options options) {
    this.ctx = new ImportContext(model, file, folder, options);
    this.constants = new ConstFolder(ctx);
    this.weighted = new WeightedLayers(ctx);
    this.pools = new PoolLayers(ctx);
    this.elementwise = new ElementwiseOps(ctx);
    this.views = new ViewOps(ctx);
    this.quant = new ActivationQuant(ctx);
  }

  Model run() {
    GraphLoader.Plan plan = new GraphLoader(ctx).load();
    for (int i : plan.order()) {
      ctx.at(i);
      try {
        node();
      } catch (OpError e) {
        throw ctx.fail(e.getMessage());
      } catch (ArithmeticException | IndexOutOfBoundsException | IllegalArgumentException
          | NegativeArraySizeException e) {
        // A hostile or malformed node that slipped past the checks: still a one-line error.
        throw ctx.fail("cannot be imported (" + e + ")");
      }
    }
    ctx.cur = null;
    return new ModelAssembler(ctx).build(plan.output());
  }

  private void node() {
    String domain = ctx.cur.getDomain();
    String op = ctx.cur.getOpType();
    checkPartials(domain.equals(ExportGraph.DOMAIN) ? "" : op);
    if (domain.equals(ExportGraph.DOMAIN)) {
      quant.function();
      return;
    }
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      throw unsupported(domain + ":" + op);
    }
    if (!OnnxImporter.SUPPORTED_OPS.contains(op)) {
      throw unsupported(op);
    }
    if (allConst() && ConstFolder.foldable(op)) {
      ctx.out(0, constants.fold(op));
      return;
    }
    noteDroppedQuantization(op);
    switch (op) {
      case "Identity" -> ctx.out(0, ctx.alias(ctx.dynIn(0)));
      case "Dropout" -> views.dropout();
      case "Cast" -> {
        if (ctx.attrInt("to", DataTypes.FLOAT) != DataTypes.FLOAT) {
          throw ctx.fail("casts an activation to " + DataTypes.name((int) ctx.attrInt("to", 0))
              + "; Whittle computes in float32");
        }
        ctx.out(0, ctx.alias(ctx.dynIn(0)));
      }
      case "Gemm" -> weighted.gemm();
      case "MatMul" -> weighted.matmul();
      case "Conv" -> weighted.conv();
      case "MaxPool", "AveragePool" -> pools.pool();
      case "GlobalAveragePool", "GlobalMaxPool" -> pools.globalPool(
          op.equals("GlobalMaxPool") ? Pool2d.Mode.MAX : Pool2d.Mode.AVG, true);
      case "ReduceMean" -> pools.reduceMean();
      case "BatchNormalization" -> weighted.batchNorm();
      case "Relu" -> elementwise.activation(Activation.Function.RELU, 0f, "relu");
      case "LeakyRelu" -> elementwise.activation(Activation.Function.LEAKY_RELU,
          ctx.attrFloat("alpha", 0.01f), "leaky_relu");
      case "Sigmoid" -> elementwise.activation(Activation.Function.SIGMOID, 0f, "sigmoid");
      case "Tanh" -> elementwise.activation(Activation.Function.TANH, 0f, "tanh");
      case "Softmax", "LogSoftmax" -> elementwise.softmax(op.equals("LogSoftmax"));
      case "Flatten" -> views.flatten();
      case "Reshape" -> views.reshape();
      case "Squeeze", "Unsqueeze" -> views.squeeze(op.equals("Unsqueeze"));
      case "Transpose" -> views.transpose();
      case "Add", "Sub", "Mul", "Div" -> elementwise.constantOrResidual(op);
      case "Sum" -> elementwise.sum();
      case "Shape" -> views.shapeOf();
      case "Pad" -> views.pad();
      case "Clip" -> quant.clip();
      case "QuantizeLinear" -> quant.quantize();
      case "DequantizeLinear" -> quant.dequantize();
      case "GreaterOrEqual" -> quant.greaterOrEqual();
      case "Where" -> quant.where();
      default -> throw ctx.fail(op + " of an activation is not supported; Whittle evaluates " + op
          + " only on constants (such as shape computations)");
    }
  }

  private InputException unsupported(String op) {
    return ctx.fail("operator '" + op + "' is not supported; Whittle imports "
        + String.join(", ", OnnxImporter.SUPPORTED_OPS));
  }

  private boolean allConst() {
    boolean any = false;
    for (int i = 0; i < ctx.cur.getInputCount(); i++) {
      Value v = ctx.in(i);
      if (v != null && !(v instanceof Const)) {
        return false;
      }
      any |= v != null;
    }
    return any || ctx.cur.getOpType().equals("Constant");
  }

  /** A value in the middle of a quantizer pattern may be read only by the pattern's next op. */
  private void checkPartials(String op) {
    for (int i = 0; i < ctx.cur.getInputCount(); i++) {
      if (ctx.in(i) instanceof ActivationQuant.Partial p && !p.next().equals(op)) {
        throw ctx.fail("reads '" + ctx.cur.getInput(i) + "', the " + p.op() + " of an activation;"
            + " Whittle reads that only as the input of a " + p.next() + " (a quantizer of the"
            + " input of a Dense or Conv2d layer)");
      }
    }
  }

  /**
   * Quantization of an activation survives only into a Gemm, MatMul or Conv, through aliases and
   * views of each sample (Flatten, Reshape, Squeeze, Unsqueeze).
   */
  private void noteDroppedQuantization(String op) {
    if (KEEP_QUANTIZATION.contains(op)) {
      return;
    }
    for (int i = 0; i < ctx.cur.getInputCount(); i++) {
      if (ctx.in(i) instanceof Dyn d && d.quant != null) {
        ctx.notes.add("the " + d.quant.what() + " quantization of '" + ctx.cur.getInput(i)
            + "' is dropped before " + ctx.nodeText() + ": Whittle quantizes only the inputs of"
            + " Dense and Conv2d layers");
      }
    }
  }
}
