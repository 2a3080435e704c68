/**
 * ONNX import and export. {@link dev.whittle.onnx.OnnxImporter} reads the MLPs and CNNs that
 * PyTorch's and tf2onnx's exporters write (opsets 9 to 21) into a Whittle {@link
 * dev.whittle.nn.Model}, folding constant sub-graphs, constant affine operations and quantized
 * weights on the way; {@link dev.whittle.onnx.OnnxExporter} writes a model as opset 17 that ONNX
 * Runtime runs. The protobuf classes (package {@code dev.whittle.onnx.proto}) are generated at
 * build time from {@code src/main/proto/onnx.proto}.
 */
package dev.whittle.onnx;
