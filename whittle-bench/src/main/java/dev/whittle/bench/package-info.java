/**
 * Benchmarks: JMH kernel benchmarks ({@link dev.whittle.bench.GemmBench}, {@link
 * dev.whittle.bench.TrainShapesBench}, {@link dev.whittle.bench.ConvBench}), each reporting
 * GFLOPS as the secondary result {@code gflops}, and {@link dev.whittle.bench.OrtCompare}, the
 * same model in Whittle and in ONNX Runtime in one process. {@code bench/run-all.sh} at the
 * repository root runs all of them beside the Python peers and prints the tables of
 * BENCHMARKS.md.
 */
package dev.whittle.bench;
