package dev.whittle.onnx;

import com.google.protobuf.CodedInputStream;
import dev.whittle.InputException;
import dev.whittle.nn.Model;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads an ONNX model into a Whittle {@link Model}.
 *
 * <p>What it reads: MLPs and CNNs as PyTorch's and tf2onnx's exporters write them, ONNX opsets
 * {@value #MIN_OPSET} to {@value #MAX_OPSET}, one float32 input whose first dimension is the
 * batch (any size) and one output.
 *
 * <ul>
 *   <li>Gemm (alpha, beta, transB; transA=0) and MatMul by a constant become Dense; a following
 *       constant Add folds into the bias.
 *   <li>Conv (group 1, dilation 1, square kernel, one stride, the same padding on every side,
 *       auto_pad NOTSET, VALID or an even SAME) becomes Conv2d.
 *   <li>MaxPool and AveragePool (square window, one stride, no padding, ceil_mode that adds no
 *       window) become Pool2d; GlobalAveragePool, GlobalMaxPool and ReduceMean over [2, 3] of a
 *       square input become a pooling layer whose window is the whole input.
 *   <li>BatchNormalization (inference), Relu, LeakyRelu, Sigmoid, Tanh, Softmax over the whole
 *       sample, Flatten, Dropout (kept as a Whittle Dropout) and Add or Sum of activations of one
 *       shape (a residual connection) map to their layers; Identity and Cast to float vanish.
 *   <li>Add, Sub, Mul and Div by a constant fold into the weights of the Gemm, MatMul, Conv or
 *       BatchNormalization before them, or of the Gemm, MatMul or Conv after them (an input
 *       normalization); a shift before a padded Conv cannot fold exactly and is refused.
 *   <li>Reshape, Flatten, Squeeze and Unsqueeze with constant shapes are views; Transpose of an
 *       activation folds into the next Gemm or MatMul (a transposed input with one channel is
 *       a view).
 *   <li>Constant sub-graphs are evaluated: Constant, Shape, Gather, Unsqueeze, Squeeze, Concat,
 *       Slice, Cast, ConstantOfShape, arithmetic, and QuantizeLinear / DequantizeLinear on
 *       weights (per tensor, per axis or blocked), which fold to float weights. Weights that a
 *       DequantizeLinear made from codes per tensor or per output channel keep them as a frozen
 *       uniform quantization constraint when it reproduces every value ({@link WeightQuant}).
 *   <li>Quantized inputs of Gemm, MatMul and Conv (QDQ models, and Whittle's own exports) become
 *       the layer's input quantizer: {@code [Clip ->] QuantizeLinear -> DequantizeLinear} per
 *       tensor, Whittle's {@code dev.whittle:DynamicQuantizeRows*} functions and the sign
 *       quantizer {@code Where(GreaterOrEqual(x, 0), 1, -1)} ({@link ActivationQuant}); Clip,
 *       GreaterOrEqual and Where are read only there. A quantized activation that another
 *       operator reads is imported in float, with a note.
 *   <li>Initializers may live in external data files, relative to the model's folder.
 * </ul>
 *
 * Anything else ends with an {@link InputException} naming the file, the node and the problem;
 * an operator outside {@link #SUPPORTED_OPS} is named with the list. Before parsing, the file's
 * size is checked against {@link Options#maxFileBytes()}; every tensor's element count is checked
 * against its data before anything is allocated.
 */
public final class OnnxImporter {
  public static final int MIN_OPSET = 9;
  public static final int MAX_OPSET = 21;
  /** The default ceiling on the size of a model file. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** How deep protobuf messages (graphs in attributes, in functions) may nest. */
  public static final int MAX_NESTING = 64;
  /** The default ceiling on the elements of one tensor. */
  public static final long DEFAULT_MAX_TENSOR_ELEMENTS = (1L << 28);

  /** The operators the importer knows, in the order of the error message. */
  public static final List<String> SUPPORTED_OPS = List.of(
      "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant",
      "ConstantOfShape", "Conv", "DequantizeLinear", "Div", "Dropout", "Exp", "Flatten", "Gather",
      "Gemm", "GlobalAveragePool", "GlobalMaxPool", "GreaterOrEqual", "Identity", "LeakyRelu",
      "LogSoftmax", "MatMul", "MaxPool", "Mul", "Neg", "Pad", "Pow", "QuantizeLinear",
      "Reciprocal", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax",
      "Sqrt", "Squeeze", "Sub", "Sum", "Tanh", "Transpose", "Unsqueeze", "Where");

  /**
   * Import settings.
   *
   * @param maxFileBytes files larger than this are refused before they are read
   * @param maxTensorElements tensors with more elements than this are refused
   * @param stripFinalLogSoftmax import a final LogSoftmax as nothing, so the model outputs
   *     logits (Whittle has no log-softmax layer; predictions and the training loss are the same)
   */
  public record Options(long maxFileBytes, long maxTensorElements, boolean stripFinalLogSoftmax) {
    public Options {
      if (maxFileBytes <= 0 || maxTensorElements <= 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_MAX_BYTES, DEFAULT_MAX_TENSOR_ELEMENTS, false);
    }

    public Options withMaxFileBytes(long bytes) {
      return new Options(bytes, maxTensorElements, stripFinalLogSoftmax);
    }

    public Options withStripFinalLogSoftmax(boolean strip) {
      return new Options(maxFileBytes, maxTensorElements, strip);
    }
  }

  private OnnxImporter() {}

  /** Reads {@code file} with the default options. */
  public static Model load(Path file) {
    return load(file, Options.defaults());
  }

  public static Model load(Path file, Options options) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    byte[] bytes = readFile(file, name, options.maxFileBytes());
    Path folder = file.toAbsolutePath().getParent();
    return oneLine(() -> new Importer(parse(bytes, name), name, folder, options).run());
  }

  /**
   * Reads a model held in memory; {@code name} names it in messages. External data cannot be
   * read this way.
   */
  public static Model fromBytes(byte[] bytes, String name, Options options) {
    if (bytes.length > options.maxFileBytes()) {
      throw tooLarge(name, bytes.length, options.maxFileBytes());
    }
    return oneLine(() -> new Importer(parse(bytes, name), name, null, options).run());
  }

  /**
   * Runs an import, keeping its error to one line: messages quote names from the file, which may
   * hold line breaks and other control characters; they are escaped as {@code \\uXXXX}.
   */
  private static Model oneLine(Supplier<Model> importer) {
    try {
      return importer.get();
    } catch (InputException e) {
      String m = e.getMessage();
      StringBuilder b = new StringBuilder(m.length());
      for (int i = 0; i < m.length(); i++) {
        char c = m.charAt(i);
        if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      if (b.length() == m.length() && b.toString().equals(m)) {
        throw e;
      }
      throw new InputException(b.toString(), e);
    }
  }

  static byte[] readFile(Path file, String name, long max) {
    if (!Files.isRegularFile(file)) {
      throw new InputException(file + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      if (size > max) {
        throw tooLarge(name, size, max);
      }
      // Reads at most one byte past the limit, so a file growing meanwhile is still refused.
      byte[] bytes = in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 16) + 1);
      if (bytes.length > max) {
        throw tooLarge(name, bytes.length, max);
      }
      return bytes;
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static InputException tooLarge(String name, long size, long max) {
    return new InputException(name + ": " + size + " bytes is more than the limit of " + max
        + " bytes for an ONNX file (raise it with --max-bytes)");
  }

  /** Parses the protobuf; the recursion limit bounds nested graphs in attributes. */
  static ModelProto parse(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new InputException(name + ": the file is empty, not an ONNX model");
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true); // raw_data shares the file's bytes instead of copying them
      in.setRecursionLimit(MAX_NESTING);
      in.setSizeLimit(bytes.length);
      ModelProto m = ModelProto.parseFrom(in);
      in.checkLastTagWas(0);
      if (!m.hasGraph() && m.getOpsetImportCount() == 0) {
        throw new InputException(name + ": not an ONNX model (no graph and no operator set)");
      }
      return m;
    } catch (IOException e) {
      String why = e.getMessage() == null ? "" : e.getMessage();
      String what = why.contains("ended unexpectedly") || why.contains("truncated")
          ? "the file is truncated or corrupt" : "the file is not valid protobuf";
      throw new InputException(name + ": not a readable ONNX model: " + what + " ("
          + why.replaceAll("[\\r\\n]+", " ").trim() + ")", e);
    }
  }
}
