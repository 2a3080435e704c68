package dev.whittle.data;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;

/** Adds independent Gaussian noise of standard deviation sigma to every input value. */
record GaussianNoise(double sigma) implements Augmentation {
  GaussianNoise {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new InputException("noise needs a standard deviation above 0, got " + sigma);
    }
  }

  @Override
  public void applyInPlace(float[] x, int n, int[] sampleShape, long seed) {
    int count = n * (int) dev.whittle.tensor.Shapes.size(sampleShape);
    Rng rng = new Rng(seed);
    for (int i = 0; i < count; i++) {
      x[i] += (float) (rng.normal() * sigma);
    }
  }
}
