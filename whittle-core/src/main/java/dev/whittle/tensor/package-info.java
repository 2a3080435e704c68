/** Tensors (float32, shape, contiguous), shapes and the seeded random stream. */
package dev.whittle.tensor;
