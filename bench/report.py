#!/usr/bin/env python3
"""Turns the results folder of bench/run-all.sh into the Markdown tables of BENCHMARKS.md.

Every ratio is a speed ratio, Whittle's speed divided by the peer's: above 1 Whittle is faster
(peer time / Whittle time for latencies and epochs, Whittle / peer for GFLOPS and throughput).

Usage: bench/report.py RESULTS_DIR [--update BENCHMARKS.md]
  --update replaces each block between `<!-- BEGIN run-all:NAME -->` and
  `<!-- END run-all:NAME -->` in the file with the freshly rendered block NAME.
"""
import argparse, glob, json, os, re, statistics, sys

TARGETS = {
    "gemm": 0.7,      # GEMM 512^3, 1 thread: >= 0.7x OpenBLAS
    "lat300": 1.0,    # lenet300 batch-1 latency, 1 thread: <= ONNX Runtime
    "tp5": 0.8,       # lenet5 batch-256 throughput, 2 threads: >= 0.8x ONNX Runtime
    "train": 1.0,     # lenet300 training epoch: <= PyTorch
}


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_lines(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    out.append(json.loads(line))
    except OSError:
        pass
    return out


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f1(x):
    return "-" if x is None else f"{x:.1f}"


def f0(x):
    return "-" if x is None else f"{x:,.0f}"


def fx(x):
    return "-" if x is None else f"{x:.2f}x"


def met(x, target):
    if x is None:
        return "not measured"
    return "**met**" if x >= target else "**not met**"


class Results:
    def __init__(self, root):
        self.root = root
        self.machine = load_json(os.path.join(root, "machine.json")) or {}
        self.units = {}  # part -> {unit: the unit's last measurement}
        for d in load_lines(os.path.join(root, "load.jsonl")):
            self.units.setdefault(d["part"], {})[d.get("unit", d["part"])] = d

    def note(self, part, command):
        units = list(self.units.get(part, {}).values())
        s = f"Reproduce: `{command}`"
        if units:
            worst = max(units, key=lambda d: d["other_cores"])
            s += (f" (measured {max(d.get('finished_utc', '?') for d in units)},"
                  f" {sum(d['seconds'] for d in units):.0f} s; other processes used at most"
                  f" {worst['other_cores']:.2f} of {self.machine.get('nproc', '?')} cores on"
                  f" average during any of its {len(units)} unit{'s' if len(units) > 1 else ''}"
                  f" ({worst.get('unit', part)}), hypervisor steal at most"
                  f" {max(d['steal_cores'] for d in units):.2f})")
        return s + "."

    # ---- GEMM ---------------------------------------------------------------------------------
    def gemm_rows(self):
        """{(size, threads): {"w": [per round], "np": [...], "ratio": [...]}} plus numpy info."""
        rows, info = {}, {}
        for jf in sorted(glob.glob(os.path.join(self.root, "gemm", "round-*-jmh.json"))):
            r = re.search(r"round-(\d+)-jmh", jf).group(1)
            jmh = load_json(jf) or []
            npl = load_lines(os.path.join(self.root, "gemm", f"round-{r}-numpy.jsonl"))
            npd = {(d["size"], d["threads"]): d for d in npl}
            for b in jmh:
                if not b["benchmark"].endswith("GemmBench.sgemm"):
                    continue
                key = (int(b["params"]["size"]), int(b["params"]["threads"]))
                w = b["secondaryMetrics"]["gflops"]["score"]
                row = rows.setdefault(key, {"w": [], "np": [], "ratio": []})
                row["w"].append(w)
                if key in npd:
                    row["np"].append(npd[key]["gflops"])
                    row["ratio"].append(w / npd[key]["gflops"])
                    info = npd[key]
        return rows, info

    def gemm(self):
        rows, info = self.gemm_rows()
        if not rows:
            return None
        blas = info.get("blas", {})
        core = blas.get("openblas_corename", "?")
        cfg = blas.get("openblas_config", "")
        ver = re.search(r"OpenBLAS ([0-9.]+)", cfg)
        nrounds = max(len(r["w"]) for r in rows.values())
        out = [f"fp32 GEMM, C = A B, square n x n row-major, GFLOPS (2 n^3 per call). Whittle:"
               f" JMH `GemmBench` (-f 1 -wi 3 -i 5 -w 1s -r 1s, mean of iterations). Peer: numpy"
               f" {info.get('engine', '?').split()[-1]} `matmul` with OpenBLAS"
               f" {ver.group(1) if ver else '?'} ({core} kernel"
               f"{', OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it' if info.get('coretype_unset') else ''}),"
               f" same timing scheme. {nrounds} rounds alternating Whittle and numpy; medians.", "",
               "| n | threads | Whittle GFLOPS | numpy/OpenBLAS GFLOPS | Whittle / OpenBLAS |",
               "|---:|---:|---:|---:|---:|"]
        for (n, t) in sorted(rows):
            r = rows[(n, t)]
            out.append(f"| {n} | {t} | {f1(med(r['w']))} | {f1(med(r['np']))} | {fx(med(r['ratio']))} |")
        out += ["", self.note("gemm", "bench/run-all.sh gemm")]
        return "\n".join(out)

    def gemm512(self):
        rows, _ = self.gemm_rows()
        r = rows.get((512, 1))
        return med(r["ratio"]) if r else None

    # ---- other kernels --------------------------------------------------------------------------
    def kernels(self):
        jmh = load_json(os.path.join(self.root, "kernels", "jmh.json"))
        if not jmh:
            return None
        out = ["Whittle kernels alone (JMH, same settings as the GEMM table; no peer measured"
               " here). Training shapes: the three GEMMs of lenet300's 784-to-300 layer at batch"
               " 64 (m x n x k); convolutions: lenet5's two layers, forward with bias.", "",
               "| benchmark | shape | batch | threads | GFLOPS | calls/s |",
               "|---|---|---:|---:|---:|---:|"]
        for b in jmh:
            p = b["params"]
            g = b["secondaryMetrics"]["gflops"]["score"]
            name = b["benchmark"].split(".")[-2]
            if "shape" in p:
                shape, batch = p["shape"].replace("_", " "), "64"
            else:
                shape = {"conv1": "conv1 1x28x28 -> 20x24x24, 5x5",
                         "conv2": "conv2 20x12x12 -> 50x8x8, 5x5"}[p["layer"]]
                batch = p["batch"]
            out.append(f"| {name} | {shape} | {batch} | {p['threads']} | {f1(g)} |"
                       f" {f0(b['primaryMetric']['score'])} |")
        out += ["", self.note("kernels", "bench/run-all.sh kernels")]
        return "\n".join(out)

    # ---- inference ----------------------------------------------------------------------------
    def ort(self, model, threads):
        return load_json(os.path.join(self.root, "ort", f"{model}-t{threads}.json"))

    def ort_rounds(self):
        return next((self.ort(m, t)["rounds"] for m in ("lenet300", "lenet5") for t in (1, 2)
                     if self.ort(m, t)), "?")

    def torch(self):
        rows = []
        for f in sorted(glob.glob(os.path.join(self.root, "torch", "*.jsonl"))):
            rows += load_lines(f)
        return {(d["model"], d["mode"]): d for d in rows}

    def inference(self):
        tr = self.torch()
        if not any(self.ort(m, t) for m in ("lenet300", "lenet5") for t in (1, 2)) and not tr:
            return None
        ortv = next((self.ort(m, t)["onnxruntime_version"] for m in ("lenet300", "lenet5")
                     for t in (1, 2) if self.ort(m, t)), "?")
        torchv = next((d["engine"].split()[-1] for d in tr.values()), "?")
        out = [f"Seeded random weights, real MNIST test images in [0, 1]. Latency: batch 1, 1"
               f" thread, p50 and p99 of 2000 calls after a warm-up. Throughput: batch 256, 2"
               f" threads. Whittle runs its compiled Plan; ONNX Runtime {ortv} its Java API in the"
               f" same JVM on the model exported by whittle-onnx (all graph optimizations, intra-op"
               f" threads = threads, inter-op 1, direct input and pinned output buffers), outputs"
               f" checked equal within 1e-4; both by `OrtCompare`, {self.ort_rounds()} rounds"
               f" interleaved, medians. PyTorch {torchv} (Debian; OpenBLAS, oneDNN): `bench/torch_infer.py`,"
               f" same architectures and inputs, run right after in its own process, three modes"
               f" taking turns over {next((d['rounds'] for d in tr.values()), '?')} rounds. \"Whittle speed\": the peer's time / Whittle's (latency) or"
               f" Whittle's samples/s / the peer's; above 1x Whittle is faster. Against ONNX"
               f" Runtime it is the median of the per-round ratios in one process; against PyTorch"
               f" it compares medians from two processes run a minute apart."]
        keys = ("latency_us_b1_p50", "latency_us_b1_p99", "throughput_b256_sps")
        modes = (("eager", "PyTorch eager"),
                 ("torchscript", "PyTorch TorchScript (trace + freeze)"),
                 ("torchscript_opt", "PyTorch TorchScript + optimize_for_inference (oneDNN)"))
        for model in ("lenet300", "lenet5"):
            o1, o2 = self.ort(model, 1), self.ort(model, 2)
            w = [o1["whittle"][keys[0]] if o1 else None, o1["whittle"][keys[1]] if o1 else None,
                 o2["whittle"][keys[2]] if o2 else None]
            out += ["", f"**{model}**", "",
                    "| engine | latency b1 p50 (us) | latency b1 p99 (us) | throughput b256"
                    " (samples/s) | Whittle speed: p50 | p99 | throughput |",
                    "|---|---:|---:|---:|---:|---:|---:|",
                    f"| Whittle | {f1(w[0])} | {f1(w[1])} | {f0(w[2])} | | | |"]
            r = [o1["onnxruntime"][keys[0]] if o1 else None, o1["onnxruntime"][keys[1]] if o1 else None,
                 o2["onnxruntime"][keys[2]] if o2 else None]
            sp = [o1["whittle_speed_vs_ort"][keys[0]] if o1 else None,
                  o1["whittle_speed_vs_ort"][keys[1]] if o1 else None,
                  o2["whittle_speed_vs_ort"][keys[2]] if o2 else None]
            out.append(f"| ONNX Runtime {ortv} | {f1(r[0])} | {f1(r[1])} | {f0(r[2])} |"
                       f" {fx(sp[0])} | {fx(sp[1])} | {fx(sp[2])} |")
            for mode, label in modes:
                d = tr.get((model, mode))
                if not d:
                    continue
                v = [d.get(k) for k in keys]
                rat = [v[0] / w[0] if w[0] and v[0] else None, v[1] / w[1] if w[1] and v[1] else None,
                       w[2] / v[2] if w[2] and v[2] else None]
                out.append(f"| {label} | {f1(v[0])} | {f1(v[1])} | {f0(v[2])} | {fx(rat[0])} |"
                           f" {fx(rat[1])} | {fx(rat[2])} |")
        out += ["", "Every OrtCompare run (both figures at both thread counts):", "",
                "| model | threads | Whittle p50 (us) | ORT p50 (us) | vs ORT | Whittle p99 (us) |"
                " ORT p99 (us) | Whittle b256/s | ORT b256/s | vs ORT | max abs diff |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for model in ("lenet300", "lenet5"):
            for t in (1, 2):
                o = self.ort(model, t)
                if not o:
                    continue
                w, r, s = o["whittle"], o["onnxruntime"], o["whittle_speed_vs_ort"]
                out.append(f"| {model} | {t} | {f1(w['latency_us_b1_p50'])} | {f1(r['latency_us_b1_p50'])} |"
                           f" {fx(s['latency_us_b1_p50'])} | {f1(w['latency_us_b1_p99'])} |"
                           f" {f1(r['latency_us_b1_p99'])} | {f0(w['throughput_b256_sps'])} |"
                           f" {f0(r['throughput_b256_sps'])} | {fx(s['throughput_b256_sps'])} |"
                           f" {o['max_abs_diff']:.1e} |")
        out += ["", self.note("ort", "bench/run-all.sh ort"),
                self.note("torch", "bench/run-all.sh torch")]
        return "\n".join(out)

    # ---- training -----------------------------------------------------------------------------
    def train_rounds(self):
        rounds = [load_json(f) for f in sorted(glob.glob(os.path.join(self.root, "train", "lenet300*.json")))]
        return [d for d in rounds if d]

    def train_speed(self):
        rounds = self.train_rounds()
        return med([d["pytorch_seconds_per_epoch"] / d["whittle_seconds_per_epoch"] for d in rounds])

    def train(self):
        rounds = self.train_rounds()
        if not rounds:
            return None
        d = rounds[0]
        w = med([r["whittle_seconds_per_epoch"] for r in rounds])
        p = med([r["pytorch_seconds_per_epoch"] for r in rounds])
        out = [f"lenet300 on MNIST (60,000 images), batch 64, 2 threads, SGD Nesterov momentum"
               f" 0.9, {d['epochs']} epochs, median epoch. Whittle: `whittle train`; PyTorch"
               f" {d['pytorch']['engine'].split()[-1]}: `bench/torch_train.py`; {len(rounds)}"
               f" round{'s' if len(rounds) > 1 else ''} alternating which goes first, medians; the"
               f" speed ratio is the median of the per-round ratios.", "",
               "| model | Whittle s/epoch | PyTorch s/epoch | Whittle speed vs PyTorch |"
               " Whittle test acc. | PyTorch test acc. |",
               "|---|---:|---:|---:|---:|---:|",
               f"| lenet300 | {w:.2f} | {p:.2f} | {fx(self.train_speed())} |"
               f" {d['whittle_accuracy'] * 100:.2f}% | {d['pytorch']['accuracy'] * 100:.2f}% |", "",
               self.note("train", "bench/run-all.sh train") + " Whittle's total time / epochs,"
               f" JIT warm-up included: {med([r['whittle_total_per_epoch'] for r in rounds]):.2f} s."]
        return "\n".join(out)

    def noisy(self, part, units=None):
        """The largest share of cores other processes used in the part's (chosen) units, if
        above NOISY_CORES (as bench/run-all.sh's retry threshold), else None."""
        limit = float(os.environ.get("NOISY_CORES", "0.15"))
        us = [d for u, d in self.units.get(part, {}).items() if units is None or u in units]
        worst = max((d["other_cores"] for d in us), default=0)
        return worst if worst > limit else None

    # ---- targets ------------------------------------------------------------------------------
    def targets(self):
        g = self.gemm512()
        o1 = self.ort("lenet300", 1)
        o5 = self.ort("lenet5", 2)
        lat = o1["whittle_speed_vs_ort"]["latency_us_b1_p50"] if o1 else None
        tp = o5["whittle_speed_vs_ort"]["throughput_b256_sps"] if o5 else None
        tr = self.train_speed()
        rows = [("GEMM 512^3, 1 thread: >= 0.7x OpenBLAS", "Whittle / OpenBLAS GFLOPS", g,
                 TARGETS["gemm"], self.noisy("gemm")),
                ("lenet300 latency, batch 1, 1 thread: <= ONNX Runtime", "ORT p50 / Whittle p50", lat,
                 TARGETS["lat300"], self.noisy("ort", {"ort/lenet300-t1"})),
                ("lenet5 throughput, batch 256, 2 threads: >= 0.8x ONNX Runtime", "Whittle / ORT samples/s",
                 tp, TARGETS["tp5"], self.noisy("ort", {"ort/lenet5-t2"})),
                ("lenet300 training epoch, batch 64, 2 threads: <= PyTorch", "PyTorch s / Whittle s", tr,
                 TARGETS["train"], self.noisy("train"))]
        out = ["| target (issue 3) | measured as | result | needs | status |", "|---|---|---:|---:|---|"]
        for name, how, v, t, noise in rows:
            status = met(v, t)
            if noise is not None and v is not None:
                status += f" (unreliable: other processes used {noise:.2f} cores meanwhile; re-run)"
            out.append(f"| {name} | {how} | {fx(v)} | >= {t:.1f}x | {status} |")
        return "\n".join(out)

    def machine_block(self):
        m = self.machine
        if not m:
            return None
        j = m.get("java", {})
        return "\n".join([
            "| | |", "|---|---|",
            f"| CPU | {m.get('cpu_model', '?')}, {m.get('nproc', '?')} cores (`nproc`),"
            f" {m.get('cpu_vector_flags', '?')} |",
            f"| CPU details | {m.get('cpu_detail', '?')} |",
            f"| memory | {m.get('mem', '?')} |",
            f"| OS | {m.get('os', '?')} |",
            f"| JDK | {j.get('java_vendor', '?')} {j.get('java_version', '?')} ({j.get('java_vm', '?')}) |",
            f"| Vector API | `FloatVector.SPECIES_PREFERRED`: {j.get('vector_bits', '?')} bits,"
            f" {j.get('vector_float_lanes', '?')} floats |",
            f"| peers | {m.get('peers', '?')} |",
            "| runs | " + "; ".join(f"{r['started_utc']}: `{r['command']}` on git {r.get('git', '?')}"
                                     for r in m.get("runs", [{"started_utc": m.get("started_utc", "?"),
                                                              "command": m.get("command", "?"),
                                                              "git": m.get("git", "?")}])) + " |"])

    def blocks(self):
        return {"machine": self.machine_block(), "gemm": self.gemm(), "kernels": self.kernels(),
                "inference": self.inference(), "train": self.train(), "targets": self.targets()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--update", metavar="FILE")
    a = p.parse_args()
    res = Results(a.results)
    blocks = res.blocks()
    if res.machine.get("quick"):
        print("**Smoke test (`bench/run-all.sh --quick`): tiny runs, the figures mean nothing.**\n")
    titles = {"machine": "Machine", "gemm": "GEMM", "kernels": "Other kernels",
              "inference": "Inference", "train": "Training", "targets": "Targets"}
    for name, text in blocks.items():
        if text:
            print(f"## {titles[name]}\n\n{text}\n")
    if a.update:
        doc = open(a.update).read()
        for name, text in blocks.items():
            if not text:
                continue
            pat = re.compile(r"(<!-- BEGIN run-all:%s -->\n).*?(<!-- END run-all:%s -->)" % (name, name), re.S)
            if not pat.search(doc):
                print(f"report: {a.update} has no block run-all:{name}; left as is", file=sys.stderr)
                continue
            doc = pat.sub(lambda m: m.group(1) + text + "\n" + m.group(2), doc)
        with open(a.update + ".tmp", "w") as f:
            f.write(doc)
        os.replace(a.update + ".tmp", a.update)
        print(f"report: updated {a.update}", file=sys.stderr)


if __name__ == "__main__":
    main()
