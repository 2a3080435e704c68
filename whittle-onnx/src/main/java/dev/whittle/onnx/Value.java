package dev.whittle.onnx;

/** A value of the ONNX graph during import: a {@link Const} or an activation ({@link Dyn}). */
interface Value {}
