/**
 * Pruning: importance criteria (magnitude, first-order, random), per-layer or global
 * thresholds, masks as constraints, one-shot, iterative and gradual schedules with fine-tuning,
 * and structured removal of neurons and filters that rewrites the graph.
 */
package dev.whittle.compress.prune;
