package dev.whittle.kernel;

/** Global kernel switches. */
public final class Kernels {

  /** -Dwhittle.kernels=scalar routes every kernel entry point to its plain scalar reference. */
  private static final boolean SCALAR = "scalar".equals(System.getProperty("whittle.kernels"));

  private Kernels() {}

  /** True when -Dwhittle.kernels=scalar: kernels delegate to their scalar references. */
  public static boolean scalar() {
    return SCALAR;
  }
}
