/** The training engine: the loop, losses, optimizers, schedules, regularization, progress. */
package dev.whittle.train;
