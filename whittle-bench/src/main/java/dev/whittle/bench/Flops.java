package dev.whittle.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter: each benchmark call adds the floating-point operations it did, in
 * units of 1e9, so JMH reports the rate of {@code gflops} per second, i.e. GFLOPS, beside the
 * primary score (calls per second).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {
  /** Billions of floating-point operations done in this iteration (JMH reports it per second). */
  public double gflops;

  /** JMH does not reset auxiliary counters itself. */
  @Setup(Level.Iteration)
  public void reset() {
    gflops = 0;
  }
}
