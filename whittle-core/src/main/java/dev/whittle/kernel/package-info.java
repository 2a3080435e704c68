/**
 * Compute kernels: GEMM, im2col convolution and small vector helpers, each with a plain scalar
 * reference it is tested against. All work runs on {@link dev.whittle.kernel.Parallel}'s pool,
 * and results are bit-identical for any thread count. -Dwhittle.kernels=scalar switches every
 * entry point to its reference.
 */
package dev.whittle.kernel;
