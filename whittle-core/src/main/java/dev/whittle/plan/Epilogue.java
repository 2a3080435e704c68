package dev.whittle.plan;

import dev.whittle.nn.Activation;

/** An activation fused into the op before it, applied in place to the op's output. */
record Epilogue(Activation.Function function, float alpha) {
  void apply(float[] y, int off, int len) {
    Activation.apply(function, alpha, y, y, off, len);
  }

  String describe() {
    return " + " + function.name().toLowerCase(java.util.Locale.ROOT);
  }

  static void apply(Epilogue e, float[] y, int off, int len) {
    if (e != null) {
      e.apply(y, off, len);
    }
  }

  static String describe(Epilogue e) {
    return e == null ? "" : e.describe();
  }
}
