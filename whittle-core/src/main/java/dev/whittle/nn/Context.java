package dev.whittle.nn;

/**
 * What a forward pass needs beside its inputs: whether it trains (dropout active, batch
 * statistics used and running statistics updated) and the seed of this step's random choices.
 */
public record Context(boolean training, long seed) {
  public static final Context EVAL = new Context(false, 0L);

  public static Context train(long seed) {
    return new Context(true, seed);
  }
}
