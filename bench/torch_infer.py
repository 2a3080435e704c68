#!/usr/bin/env python3
"""Inference latency and throughput of lenet300 and lenet5 in PyTorch, eager and TorchScript:
the PyTorch peer of `whittle bench` and OrtCompare.

Same architectures as Whittle's (the models of torch_train.py: lenet300 = 784-300-100-10 with
ReLU; lenet5 = conv 5x5x20, max-pool 2, conv 5x5x50, max-pool 2, dense 500 ReLU, dense 10),
seeded random weights, real MNIST test images scaled to [0, 1]. Latency: batch 1 with
--latency-threads (1) threads, p50 and p99 of --calls timed calls after a warm-up, each call on
the next test image. Throughput: batch 256 with --throughput-threads (2) threads, samples per
second over --seconds. Three modes: eager; "torchscript", torch.jit.trace then torch.jit.freeze;
"torchscript_opt", torch.jit.optimize_for_inference (freeze, then oneDNN layouts and fusions).
The modes take turns over --rounds rounds (the order rotates each round); the medians over rounds
are reported, one JSON line per (model, mode).

Usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_infer.py [--models lenet300,lenet5]
"""
import argparse, json, os, statistics, sys, time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train import idx, model as build  # noqa: E402  (the same architectures)


def latency(f, samples, calls):
    warm = max(200, calls // 4)
    t = []
    n = len(samples)
    for i in range(warm + calls):
        x = samples[i % n]
        t0 = time.perf_counter_ns()
        f(x)
        dt = time.perf_counter_ns() - t0
        if i >= warm:
            t.append(dt)
    t.sort()
    return t[calls // 2] / 1e3, t[min(calls - 1, -(-calls * 99 // 100) - 1)] / 1e3


def throughput(f, xb, seconds):
    end = time.perf_counter() + seconds * 0.25
    while time.perf_counter() < end:
        f(xb)
    runs = 0
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        f(xb)
        runs += 1
        now = time.perf_counter()
        if now >= end and runs >= 3:
            break
    return runs * len(xb) / (now - t0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="lenet300,lenet5")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--latency-threads", type=int, default=1)
    p.add_argument("--throughput-threads", type=int, default=2)
    p.add_argument("--data", default=os.path.expanduser("~/.cache/whittle/mnist"))
    a = p.parse_args()
    torch.manual_seed(1)
    torch.set_num_interop_threads(1)
    x = torch.from_numpy(idx(os.path.join(a.data, "t10k-images-idx3-ubyte"))[:1000]
                         .astype(np.float32) / 255)
    singles = [x[i:i + 1].clone() for i in range(len(x))]
    xb = x[:a.batch].clone()
    for name in a.models.split(","):
        m = build(name).eval()
        with torch.inference_mode():
            ts = torch.jit.freeze(torch.jit.trace(m, singles[0]).eval())
            # freeze, then oneDNN (MKLDNN) layouts and fusions where PyTorch finds them
            opt = torch.jit.optimize_for_inference(torch.jit.trace(m, singles[0]).eval())
            engines = {"eager": m, "torchscript": ts, "torchscript_opt": opt}
            ref = m(xb)
            diffs = {k: (f(xb) - ref).abs().max().item() for k, f in engines.items()}
            res = {k: [] for k in engines}
            names = list(engines)
            for r in range(a.rounds):
                order = names[r % len(names):] + names[:r % len(names)]
                lat = {}
                for k in order:
                    torch.set_num_threads(a.latency_threads)
                    lat[k] = latency(engines[k], singles, a.calls)
                for k in order:
                    torch.set_num_threads(a.throughput_threads)
                    tp = throughput(engines[k], xb, a.seconds)
                    res[k].append((lat[k][0], lat[k][1], tp))
                    print(f"round {r + 1} {name} {k:15s} p50 {lat[k][0]:8.1f} us  p99 {lat[k][1]:8.1f} us"
                          f"  b{a.batch} {tp:10.0f} samples/s", file=sys.stderr, flush=True)
        for k, rows in res.items():
            print(json.dumps({
                "engine": "pytorch " + torch.__version__, "mode": k, "model": name,
                "latency_threads": a.latency_threads, "throughput_threads": a.throughput_threads,
                "batch": a.batch, "rounds": a.rounds, "calls": a.calls,
                "latency_us_b1_p50": statistics.median(r[0] for r in rows),
                "latency_us_b1_p99": statistics.median(r[1] for r in rows),
                f"throughput_b{a.batch}_sps": statistics.median(r[2] for r in rows),
                "max_abs_diff_vs_eager": diffs[k],
                "per_round": [{"p50": r[0], "p99": r[1], "sps": r[2]} for r in rows]}), flush=True)


if __name__ == "__main__":
    main()
