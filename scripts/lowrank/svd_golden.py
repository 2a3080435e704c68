#!/usr/bin/env python3
"""Golden singular values for whittle's Svd (one-sided Jacobi), from NumPy's LAPACK (dgesdd).

The matrices hold multiples of 1/8, exact in float32 and float64, so the Java test feeds
exactly the same numbers: W[i][j] = ((7 i + 3 j) mod 11 - 5) / 8, a 4 x 6 matrix and its
6 x 4 transpose (the same singular values), and a 5 x 5 one with ((5 i + 2 j + i j) mod 9 - 4) / 8.

Run:  /usr/bin/python3 scripts/lowrank/svd_golden.py
The output is pasted into whittle-core/src/test/java/dev/whittle/compress/lowrank/SvdTest.java.
"""
import numpy as np


def wide():
    return np.array([[((7 * i + 3 * j) % 11 - 5) / 8 for j in range(6)] for i in range(4)])


def square():
    return np.array([[((5 * i + 2 * j + i * j) % 9 - 4) / 8 for j in range(5)] for i in range(5)])


def main():
    print("numpy", np.__version__)
    for name, w in [("WIDE", wide()), ("SQUARE", square())]:
        s = np.linalg.svd(w, compute_uv=False)
        print(name, "{" + ", ".join(repr(float(x)) for x in s) + "}")


if __name__ == "__main__":
    main()
