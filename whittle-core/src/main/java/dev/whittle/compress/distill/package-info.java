/**
 * Knowledge distillation (Hinton, Vinyals and Dean 2015): a student trains on a teacher's
 * outputs, hard (its argmax labels), soft (temperature-scaled probabilities mixed with the true
 * labels) or without any label (soft targets on unlabelled images, optionally jittered or noisy),
 * optionally after a FitNets hint stage (Romero et al. 2015). The teacher runs as a compiled plan
 * and its outputs are cached while the inputs do not change; the student is any model, a pruned
 * or quantized one too, whose constraints the one trainer keeps.
 */
package dev.whittle.compress.distill;
