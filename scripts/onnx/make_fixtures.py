#!/usr/bin/python3
"""Builds the ONNX fixtures the Java tests import and compare against PyTorch.

Run with Debian's python (python3-torch 1.13 and python3-onnx):

    /usr/bin/python3 scripts/onnx/make_fixtures.py [OUT_DIR]

OUT_DIR defaults to whittle-onnx/src/test/resources/fixtures. For each fixture NAME it writes
NAME.onnx (and NAME.onnx.data for the one with external data), NAME.in.f32 (the input batch)
and NAME.out.f32 (PyTorch's output for it), both raw little-endian float32, and one
manifest.json listing every fixture with its shapes and what it exercises. Weights and inputs
come from fixed seeds, so a rerun writes the same numbers (the .onnx bytes may differ between
PyTorch versions).
"""

import io
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "whittle-onnx", "src", "test", "resources", "fixtures")
BATCH = 4


def randomize_bn(bn, gen):
    """Gives a BatchNorm non-trivial statistics and affine parameters."""
    with torch.no_grad():
        n = bn.num_features
        bn.weight.copy_(0.5 + torch.rand(n, generator=gen))
        bn.bias.copy_(torch.randn(n, generator=gen) * 0.2)
        bn.running_mean.copy_(torch.randn(n, generator=gen) * 0.3)
        bn.running_var.copy_(0.5 + torch.rand(n, generator=gen))


class MlpView(nn.Module):
    """Input normalization, x.view(x.size(0), -1) (a Shape/Gather/Concat sub-graph at opset 9)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = (x - 0.5) / 0.25
        x = x.view(x.size(0), -1)
        return self.fc2(F.relu(self.fc1(x)))


class MlpOps(nn.Module):
    """MatMul + Add, LeakyReLU, Tanh, Sigmoid, a scaled output, Dropout (dropped in eval), Softmax."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(64, 24) * 0.2)
        self.b1 = nn.Parameter(torch.randn(24) * 0.1)
        self.fc2 = nn.Linear(24, 16)
        self.fc3 = nn.Linear(16, 10)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        h = F.leaky_relu(torch.matmul(x, self.w1) + self.b1, 0.2)
        h = torch.tanh(self.drop(h))
        h = torch.sigmoid(self.fc2(h) * 2.0 - 1.0)
        return torch.softmax(self.fc3(h), dim=1)


class LeNet5Bn(nn.Module):
    """LeNet-5 with BatchNorm after each convolution and an input normalization."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = (x - 0.1307) / 0.3081
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(x + y)


class ResNetSmall(nn.Module):
    """A stem, one residual block, average pooling, global average pooling, a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.block = Block(8)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = self.block(x)
        x = F.avg_pool2d(x, 2)
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class MlpLogSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def export(model, x, opset, preserve_bn=False):
    model.eval()
    kwargs = {}
    if preserve_bn:
        # EVAL mode folds BatchNorm into the convolution; PRESERVE keeps the node.
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    f = io.BytesIO()
    torch.onnx.export(model, x, f, opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
                      do_constant_folding=True, **kwargs)
    m = onnx.load_from_string(f.getvalue())
    onnx.checker.check_model(m)
    return m


def write_f32(path, t):
    np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tofile(path)


def qdq_weights(m):
    """Replaces every Gemm weight by int8 per-output-channel weights and a DequantizeLinear."""
    inits = {t.name: t for t in m.graph.initializer}
    nodes = []
    for node in m.graph.node:
        if node.op_type == "Gemm" and node.input[1] in inits:
            name = node.input[1]
            w = numpy_helper.to_array(inits[name])
            scale = (np.abs(w).max(axis=1) / 127.0).astype(np.float32)
            q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
            m.graph.initializer.remove(inits[name])
            m.graph.initializer.extend([
                numpy_helper.from_array(q, name + "_quantized"),
                numpy_helper.from_array(scale, name + "_scale"),
                numpy_helper.from_array(np.zeros(len(scale), np.int8), name + "_zero_point"),
            ])
            nodes.append(helper.make_node(
                "DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"],
                [name], name=name + "_DequantizeLinear", axis=0))
        nodes.append(node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    return m


def dequantized_state(m):
    """The float weights a QDQ model computes with, to load back into PyTorch."""
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    out = {}
    for node in m.graph.node:
        if node.op_type == "DequantizeLinear":
            q = inits[node.input[0]].astype(np.float32)
            s = inits[node.input[1]]
            out[node.output[0]] = torch.from_numpy((q * s[:, None]).astype(np.float32))
    return out


def nhwc_model(gen):
    """A graph as tf2onnx writes a Keras CNN: NHWC input, Transposes, MatMul + Add."""
    conv_w = torch.randn(4, 1, 3, 3, generator=gen) * 0.5
    conv_b = torch.randn(4, generator=gen) * 0.1
    fc_w = torch.randn(4 * 6 * 6, 10, generator=gen) * 0.1
    fc_b = torch.randn(10, generator=gen) * 0.1

    def reference(x):  # x: (N, 8, 8, 1)
        y = F.conv2d(x.permute(0, 3, 1, 2), conv_w, conv_b)
        y = F.relu(y).permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return y @ fc_w + fc_b

    nodes = [
        helper.make_node("Transpose", ["input"], ["nchw"], name="sequential/conv2d/Conv2D__6",
                         perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "conv_w", "conv_b"], ["conv"],
                         name="sequential/conv2d/Conv2D", kernel_shape=[3, 3], strides=[1, 1],
                         auto_pad="VALID", dilations=[1, 1], group=1),
        helper.make_node("Relu", ["conv"], ["relu"], name="sequential/conv2d/Relu"),
        helper.make_node("Transpose", ["relu"], ["nhwc"], name="sequential/conv2d/Relu__9",
                         perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["nhwc", "flat_shape"], ["flat"],
                         name="sequential/flatten/Reshape"),
        helper.make_node("MatMul", ["flat", "fc_w"], ["mm"], name="sequential/dense/MatMul"),
        helper.make_node("Add", ["mm", "fc_b"], ["output"], name="sequential/dense/BiasAdd"),
    ]
    inits = [
        numpy_helper.from_array(conv_w.numpy(), "conv_w"),
        numpy_helper.from_array(conv_b.numpy(), "conv_b"),
        numpy_helper.from_array(np.array([-1, 144], np.int64), "flat_shape"),
        numpy_helper.from_array(fc_w.numpy(), "fc_w"),
        numpy_helper.from_array(fc_b.numpy(), "fc_b"),
    ]
    g = helper.make_graph(
        nodes, "tf2onnx",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["unk__12", 8, 8, 1])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["unk__13", 10])], inits)
    m = helper.make_model(g, producer_name="tf2onnx-style", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m, reference


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(11)
    manifest = []

    def add(name, m, x, y, notes, extra_files=(), **flags):
        path = os.path.join(OUT, name + ".onnx")
        if name.endswith("_external"):
            data = path + ".data"
            if os.path.exists(data):
                os.remove(data)  # onnx appends to an existing data file
            onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                            location=name + ".onnx.data", size_threshold=256)
        else:
            onnx.save_model(m, path)
        write_f32(os.path.join(OUT, name + ".in.f32"), x)
        write_f32(os.path.join(OUT, name + ".out.f32"), y)
        opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0]
        entry = {"name": name, "opset": opset, "input_shape": list(x.shape),
                 "output_shape": list(y.shape), "notes": notes}
        entry.update(flags)
        manifest.append(entry)

    # 1. MLP at opset 9: normalization folded into fc1, view() shape sub-graph.
    mlp = MlpView().eval()
    x = torch.rand(BATCH, 1, 8, 8, generator=gen)
    add("mlp_opset9", export(mlp, x, 9), x, mlp(x),
        "opset 9; (x - 0.5) / 0.25 folds into fc1; Shape/Gather/Unsqueeze/Concat/Reshape")

    # 2. The same architecture at opset 13 with its weights in an external data file.
    mlp2 = MlpView().eval()
    x = torch.rand(BATCH, 1, 8, 8, generator=gen)
    add("mlp_opset13_external", export(mlp2, x, 13), x, mlp2(x),
        "opset 13; initializers in mlp_opset13_external.onnx.data")

    # 3. MatMul + Add, more activations, Softmax at opset 17.
    ops = MlpOps().eval()
    x = torch.rand(BATCH, 64, generator=gen)
    add("mlp_ops_opset17", export(ops, x, 17), x, ops(x),
        "opset 17; MatMul + Add bias, LeakyRelu, Tanh, Mul/Sub by constants folded, Sigmoid, Softmax")

    # 4. LeNet-5 with BatchNorm (kept as nodes) and input normalization.
    lenet = LeNet5Bn()
    randomize_bn(lenet.bn1, gen)
    randomize_bn(lenet.bn2, gen)
    lenet.eval()
    x = torch.rand(BATCH, 1, 28, 28, generator=gen)
    add("lenet5_bn_opset17", export(lenet, x, 17, preserve_bn=True), x, lenet(x),
        "opset 17; Conv, BatchNormalization, MaxPool, Flatten, Gemm; normalization folded into conv1")

    # 5. A small residual CNN at opsets 9 and 17 (BatchNorm folded into the convs by PyTorch).
    res = ResNetSmall()
    for bn in (res.bn, res.block.bn1, res.block.bn2):
        randomize_bn(bn, gen)
    res.eval()
    x = torch.rand(BATCH, 1, 16, 16, generator=gen)
    y = res(x)
    add("resnet_opset9", export(res, x, 9), x, y,
        "opset 9; residual Add, padded Conv, AveragePool, GlobalAveragePool")
    add("resnet_opset17", export(res, x, 17, preserve_bn=True), x, y,
        "opset 17; residual Add with BatchNormalization nodes kept")

    # 6. Int8 per-channel weights behind DequantizeLinear (QDQ), opset 13.
    q = MlpView().eval()
    x = torch.rand(BATCH, 1, 8, 8, generator=gen)
    qm = qdq_weights(export(q, x, 13))
    with torch.no_grad():
        for name, w in dequantized_state(qm).items():
            dict(q.named_parameters())[name].copy_(w)
    add("mlp_qdq_opset13", qm, x, q(x), "opset 13; int8 per-channel weights, DequantizeLinear")

    # 7. A final LogSoftmax, imported with strip_log_softmax (the Java test compares log-softmax).
    ls = MlpLogSoftmax().eval()
    x = torch.rand(BATCH, 64, generator=gen)
    add("mlp_logsoftmax_opset11", export(ls, x, 11), x, ls(x),
        "opset 11; final LogSoftmax, imported with --strip-log-softmax", strip_log_softmax=True)

    # 8. A graph shaped like tf2onnx's: NHWC input and Transposes folded into the Dense weights.
    m, ref = nhwc_model(gen)
    x = torch.rand(BATCH, 8, 8, 1, generator=gen)
    add("nhwc_tf2onnx_opset13", m, x, ref(x),
        "opset 13; NHWC input (one channel: a view), Transpose folded into MatMul, auto_pad VALID")

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        # One fixture per line, so the Java test reads it without a JSON library.
        f.write("[\n" + ",\n".join(json.dumps(e) for e in manifest) + "\n]\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("wrote %d fixtures, %d bytes, to %s" % (len(manifest), total, OUT))


if __name__ == "__main__":
    main()
