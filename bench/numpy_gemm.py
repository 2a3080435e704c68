#!/usr/bin/env python3
"""GFLOPS of float32 matrix multiplication in numpy (its BLAS: OpenBLAS here), the peer of
Whittle's GemmBench.

Each thread count runs in its own subprocess with OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set
to it (a BLAS thread pool is sized when the library loads). OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, which some machines here set to work around old OpenBLAS bugs and which slow a
current one, are unset together in that subprocess only, unless --keep-coretype; the kernel that
then ran is reported (openblas_get_corename). Timing mirrors the JMH run: warm-up, then
iterations of about --iter-seconds each; the figure is the mean over iterations of 2 n^3 flops
per call, like JMH's Throughput mode. Prints one JSON line per (size, threads).

Usage: /usr/bin/python3 bench/numpy_gemm.py [--sizes 256,512,1024] [--threads 1,2]
"""
import argparse, ctypes, json, os, re, subprocess, sys, time


def blas_info():
    """The BLAS library numpy loaded, and OpenBLAS's core name and config if it is OpenBLAS."""
    import numpy as np  # noqa: F401  (loads the BLAS)
    libs = sorted(set(re.findall(r"/\S*(?:blas|mkl|blis)\S*\.so[\S]*", open("/proc/self/maps").read())))
    info = {"numpy": __import__("numpy").__version__, "blas_libraries": libs}
    for lib in libs:
        if "openblas" in os.path.basename(lib) and "libopenblas" in lib:
            try:
                so = ctypes.CDLL(lib)
                so.openblas_get_corename.restype = ctypes.c_char_p
                so.openblas_get_config.restype = ctypes.c_char_p
                info["openblas_corename"] = so.openblas_get_corename().decode()
                info["openblas_config"] = so.openblas_get_config().decode()
                info["openblas_threads"] = so.openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
    return info


def worker(sizes, threads, warmup, iters, iter_seconds):
    import numpy as np
    info = blas_info()
    rng = np.random.default_rng(1)
    for n in sizes:
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        c = np.empty((n, n), np.float32)
        flop = 2.0 * n * n * n
        end = time.perf_counter() + warmup
        while time.perf_counter() < end:
            np.matmul(a, b, out=c)
        rates = []
        for _ in range(iters):
            calls = 0
            t0 = time.perf_counter()
            end = t0 + iter_seconds
            while True:
                np.matmul(a, b, out=c)
                calls += 1
                t = time.perf_counter()
                if t >= end:
                    break
            rates.append(calls * flop / (t - t0) / 1e9)
        print(json.dumps({"engine": "numpy " + info["numpy"], "size": n, "threads": threads,
                          "gflops": sum(rates) / len(rates), "gflops_iterations": rates,
                          "blas": info, "env_OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                          "env_OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="256,512,1024")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per size")
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--iter-seconds", type=float, default=0.5)
    p.add_argument("--keep-coretype", action="store_true",
                   help="leave OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE as they are")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    if a.worker:
        worker(sizes, int(a.threads), a.warmup, a.iters, a.iter_seconds)
        return
    for t in [int(s) for s in a.threads.split(",")]:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t),
                   MKL_NUM_THREADS=str(t))
        if not a.keep_coretype:
            env.pop("OPENBLAS_CORETYPE", None)
            env.pop("OPENBLAS_L2_SIZE", None)
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--threads", str(t),
               "--sizes", a.sizes, "--warmup", str(a.warmup), "--iters", str(a.iters),
               "--iter-seconds", str(a.iter_seconds)]
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(r.returncode)
        for line in r.stdout.splitlines():
            d = json.loads(line)
            d["coretype_unset"] = not a.keep_coretype
            d["parent_OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
            d["parent_OPENBLAS_L2_SIZE"] = os.environ.get("OPENBLAS_L2_SIZE")
            print(json.dumps(d), flush=True)


if __name__ == "__main__":
    main()
