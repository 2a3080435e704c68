package dev.whittle.compress.share;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.share.KMeans.Init;
import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Hand-computable cases of the three initializations and of Lloyd's iterations. */
class KMeansTest {
  @Test
  void linearSpacesTheCentroidsBetweenMinAndMax() {
    float[] v = {-1f, 0.5f, 2f, 3f, 0.25f};
    assertArrayEquals(new float[] {-1f, 0f, 1f, 2f, 3f}, KMeans.init(v, 5, Init.LINEAR, 0));
    assertArrayEquals(new float[] {1f}, KMeans.init(v, 1, Init.LINEAR, 0)); // the midpoint
  }

  @Test
  void densityPlacesTheCentroidsAtEvenlySpacedQuantiles() {
    float[] v = new float[100];
    for (int i = 0; i < 100; i++) {
      v[i] = (i * 37) % 100; // 0..99, shuffled
    }
    // y = 0.125, 0.375, 0.625, 0.875 of the CDF: the 12th, 37th, 62nd and 87th smallest.
    assertArrayEquals(new float[] {12f, 37f, 62f, 87f}, KMeans.init(v, 4, Init.DENSITY, 0));
    // Dense where the weights are: nine values near 0 and one far out get three centroids near
    // 0 from density, where linear puts one near 0 and two in the empty middle.
    float[] skew = {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 10f};
    // (j + 0.5) * 10 / 3 = 1.7, 5, 8.3: the 2nd, 6th and 9th smallest.
    assertArrayEquals(new float[] {0.1f, 0.5f, 0.8f}, KMeans.init(skew, 3, Init.DENSITY, 0));
    assertArrayEquals(new float[] {0f, 5f, 10f}, KMeans.init(skew, 3, Init.LINEAR, 0));
  }

  @Test
  void randomPicksDistinctValuesWithTheSeed() {
    float[] v = new float[50];
    for (int i = 0; i < 50; i++) {
      v[i] = i + 1;
    }
    float[] a = KMeans.init(v, 8, Init.RANDOM, 7);
    assertArrayEquals(a, KMeans.init(v, 8, Init.RANDOM, 7), "the same seed, the same centroids");
    assertTrue(!java.util.Arrays.equals(a, KMeans.init(v, 8, Init.RANDOM, 8)));
    for (int j = 0; j < a.length; j++) {
      assertTrue(a[j] == Math.rint(a[j]) && a[j] >= 1 && a[j] <= 50, "one of the values");
      assertTrue(j == 0 || a[j] > a[j - 1], "distinct and ascending");
    }
  }

  @Test
  void lloydConvergesToTheGroupMeans() {
    float[] v = {1, 11, 2, 12, 3, 10};
    KMeans.Result r = KMeans.cluster(v, 2, Init.LINEAR, 0);
    // Linear starts at 1 and 12; the boundary 6.5 splits {1,2,3} from {10,11,12}.
    assertArrayEquals(new float[] {2f, 11f}, r.centroids());
    assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, r.clusters());
  }

  @Test
  void everyValueGoesToItsNearestCentroidAndEachCentroidIsItsMembersMean() {
    Rng rng = new Rng(3);
    float[] v = new float[2000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.normal() * 0.1);
    }
    for (Init init : Init.values()) {
      KMeans.Result r = KMeans.cluster(v, 16, init, 5);
      float[] c = r.centroids();
      double[] sum = new double[16];
      int[] n = new int[16];
      for (int i = 0; i < v.length; i++) {
        int k = r.clusters()[i];
        for (int j = 0; j < 16; j++) {
          assertTrue(Math.abs(v[i] - c[k]) <= Math.abs(v[i] - c[j]), init + ": nearest");
        }
        sum[k] += v[i];
        n[k]++;
      }
      for (int j = 0; j < 16; j++) {
        if (n[j] > 0) {
          assertEquals((float) (sum[j] / n[j]), c[j], init + ": centroid " + j + " is a mean");
        }
      }
      assertTrue(r.iterations() < KMeans.MAX_ITERATIONS, init + ": converged");
    }
  }

  @Test
  void tiesGoToTheLowerCentroid() {
    assertEquals(0, KMeans.nearest(new float[] {0f, 2f}, 1f));
    assertEquals(1, KMeans.nearest(new float[] {0f, 2f}, 1.0000001f));
  }

  @Test
  void moreClustersThanValuesIsRejected() {
    assertThrows(InputException.class,
        () -> KMeans.cluster(new float[] {1, 2, 3}, 4, Init.LINEAR, 0));
  }
}
