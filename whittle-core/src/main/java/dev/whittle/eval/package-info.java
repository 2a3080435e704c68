/** Metrics, their JSON form, and counting what a model holds and costs. */
package dev.whittle.eval;
