#!/usr/bin/env python3
"""Golden values for whittle's DistillationLoss (Hinton, Vinyals and Dean 2015), from PyTorch.

loss = alpha * T^2 * kl_div(log_softmax(z_s / T), softmax(z_t / T), reduction="batchmean")
       + (1 - alpha) * cross_entropy(z_s, y)

and its gradient with respect to z_s by autograd, in float64. The logits are multiples of
1/8, exact in float32, so the Java test feeds exactly the same numbers.

Run:  /usr/bin/python3 scripts/distill/kl_golden.py
The output is pasted into
whittle-core/src/test/java/dev/whittle/train/DistillationLossTest.java.
"""
import torch
import torch.nn.functional as F

STUDENT = [[1.5, -0.25, 0.75, 2.0, -1.0],
           [0.0, 0.5, -2.125, 1.25, 0.375],
           [3.0, 2.875, -0.5, -0.625, 0.125]]
TEACHER = [[4.0, -2.0, 1.0, 6.5, -3.0],
           [-1.0, 5.25, -4.0, 2.0, 0.0],
           [7.0, 1.0, -2.0, -2.5, 0.5]]
LABELS = [3, 1, 0]
CASES = [(4.0, 0.9), (1.0, 0.5), (20.0, 0.0), (2.5, 1.0)]


def loss(zs, zt, y, t, alpha):
    kl = F.kl_div(F.log_softmax(zs / t, dim=1), F.softmax(zt / t, dim=1),
                  reduction="batchmean")
    return alpha * t * t * kl + (1 - alpha) * F.cross_entropy(zs, y)


def main():
    torch.set_printoptions(precision=17)
    zt = torch.tensor(TEACHER, dtype=torch.float64)
    y = torch.tensor(LABELS)
    print("torch", torch.__version__)
    for t, alpha in CASES:
        zs = torch.tensor(STUDENT, dtype=torch.float64, requires_grad=True)
        value = loss(zs, zt, y, t, alpha)
        value.backward()
        grad = ", ".join(repr(v) for v in zs.grad.flatten().tolist())
        print(f"T {t} alpha {alpha}: loss {value.item()!r}")
        print(f"  grad {{{grad}}}")


if __name__ == "__main__":
    main()
