/**
 * Low-rank factorization (Denton et al. 2014; Jaderberg et al. 2014): the truncated SVD of a
 * Dense weight, or of a Conv2d weight reshaped to (out channels, in channels x kernel), replaces
 * the layer by two thin layers whose product is the best rank-r approximation of the weight.
 * The rank is given per layer or chosen by the fraction of the squared singular values kept.
 */
package dev.whittle.compress.lowrank;
