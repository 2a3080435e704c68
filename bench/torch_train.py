#!/usr/bin/env python3
"""Seconds per epoch of a PyTorch model on MNIST, the peer of `whittle train`.

Same network, batch size, optimizer and thread count as Whittle's defaults: lenet300
(784-300-100-10 with ReLU) or lenet5 (Caffe variant), SGD with Nesterov momentum 0.9,
lr 0.05, weight decay 1e-4, inputs scaled to [0, 1]. Prints one JSON line.

Usage: /usr/bin/python3 bench/torch_train.py --model lenet300 --epochs 3 --batch 64 --threads 2
"""
import argparse, json, os, struct, time

import numpy as np
import torch
import torch.nn as nn


def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def model(name):
    if name == "lenet300":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100),
                             nn.ReLU(), nn.Linear(100, 10))
    if name == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.ReLU(),
                             nn.Linear(500, 10))
    raise SystemExit("unknown model " + name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="lenet300")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default=os.path.expanduser("~/.cache/whittle/mnist"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(os.path.join(a.data, "train-images-idx3-ubyte")).astype(np.float32) / 255)
    y = torch.from_numpy(idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).astype(np.float32) / 255)
    yt = torch.from_numpy(idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    m = model(a.model)
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs * ((len(x) + a.batch - 1) // a.batch))
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(x))
        m.train()
        for i in range(0, len(x), a.batch):
            idxs = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(m(x[idxs]), y[idxs])
            loss.backward()
            opt.step()
            sched.step()
        times.append(time.perf_counter() - t0)
    m.eval()
    with torch.no_grad():
        acc = (m(xt).argmax(1) == yt).float().mean().item()
    print(json.dumps({"engine": "pytorch " + torch.__version__, "model": a.model,
                      "batch": a.batch, "threads": a.threads, "epochs": a.epochs,
                      "seconds_per_epoch": sorted(times)[len(times) // 2], "accuracy": acc}))


if __name__ == "__main__":
    main()
