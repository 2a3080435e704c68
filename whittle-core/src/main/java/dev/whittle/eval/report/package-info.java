/**
 * The HTML report of a comparison: one self-contained file (inline SVG charts and CSS, no
 * script, font or request to anywhere) with the comparison table, accuracy against size and
 * latency with the Pareto front, per-layer sparsity and bits, weight histograms and training
 * curves. {@link dev.whittle.eval.report.Report} is the entry point; every text that comes from
 * a user (model and layer names, commands) passes through {@link dev.whittle.eval.report.Html}.
 */
package dev.whittle.eval.report;
