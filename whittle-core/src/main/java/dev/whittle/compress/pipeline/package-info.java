/**
 * Recipes: a chain of compression steps with their settings, read from a small YAML file, and
 * the built-in Deep Compression recipe (Han, Mao and Dally 2016: iterative pruning, weight
 * sharing, entropy coding). The command line runs each step as the command of the same name.
 */
package dev.whittle.compress.pipeline;
