/**
 * Layers, the graph that joins them, parameters and their constraints, and the named
 * architectures. Training runs these float32 layers; deployment compiles them into a plan.
 */
package dev.whittle.nn;
