/**
 * Weight sharing (Han et al. 2016, "Deep Compression", section 3): per-layer k-means of the
 * non-zero weights into 2^b centroids, a codebook constraint that ties every weight to its
 * centroid, and fine-tuning in which each centroid moves by the summed gradient of its members.
 * The file stores the b-bit indices entropy-coded beside the centroids.
 */
package dev.whittle.compress.share;
