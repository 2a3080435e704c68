package dev.whittle.train;

import dev.whittle.tensor.Tensor;

/**
 * One training step's batch as a {@link BatchLoss} sees it. Valid only during the call: the
 * trainer reuses the arrays for the next batch.
 *
 * @param epoch the epoch, from 0
 * @param index the batch within the epoch, from 0
 * @param samples which samples the batch holds, as indices into the data set given to {@link
 *     Trainer#fit} (also when a validation split holds part of it out)
 * @param inputs the inputs (m, sample shape...) exactly as the model saw them, after any
 *     augmentation
 * @param labels the samples' labels (m); a loss that trains against labels of its own (the
 *     teacher's argmax on these very inputs) writes them here, and the trainer's accuracy is
 *     then counted against them
 */
public record TrainingBatch(int epoch, int index, int[] samples, Tensor inputs, int[] labels) {}
