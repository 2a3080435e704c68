package dev.whittle.compress.lowrank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.tensor.Rng;
import org.junit.jupiter.api.Test;

class SvdTest {
  @Test
  void aTwoByTwoByHand() {
    // W^T W = [[25, 20], [20, 25]] has eigenvalues 45 and 5, with eigenvectors (1, 1)/sqrt 2
    // and (1, -1)/sqrt 2; U's columns are W v / s: (1, 3)/sqrt 10 and (3, -1)/sqrt 10.
    Svd svd = Svd.of(new double[] {3, 0, 4, 5}, 2, 2);
    assertArrayEquals(new double[] {Math.sqrt(45), Math.sqrt(5)}, svd.s(), 1e-13);
    double[] u = svd.u();
    double[] v = svd.v();
    double r10 = Math.sqrt(10);
    double r2 = Math.sqrt(2);
    for (int t = 0; t < 2; t++) {
      double sign = Math.signum(v[t]); // a singular pair is unique up to a common sign
      double[] ut = {u[t] * sign, u[2 + t] * sign};
      double[] vt = {v[t] * sign, v[2 + t] * sign};
      if (t == 0) {
        assertArrayEquals(new double[] {1 / r10, 3 / r10}, ut, 1e-13);
        assertArrayEquals(new double[] {1 / r2, 1 / r2}, vt, 1e-13);
      } else {
        assertArrayEquals(new double[] {3 / r10, -1 / r10}, ut, 1e-13);
        assertArrayEquals(new double[] {1 / r2, -1 / r2}, vt, 1e-13);
      }
    }
    assertEquals(0.9, svd.energy(1), 1e-15);
  }

  /** Printed by {@code /usr/bin/python3 scripts/lowrank/svd_golden.py} (NumPy 1.24.2, LAPACK). */
  private static final double[] WIDE = {1.2928216958496843, 1.1664668975308048,
      0.7933000793564704, 0.4788183620102958};

  private static final double[] SQUARE = {1.2569248308271967, 0.7892683639082668,
      0.7557987296045043, 0.4513093012132159, 0.26298025467750696};

  @Test
  void singularValuesMatchLapack() {
    double[] wide = new double[4 * 6];
    double[] tall = new double[6 * 4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 6; j++) {
        wide[i * 6 + j] = ((7 * i + 3 * j) % 11 - 5) / 8.0;
        tall[j * 4 + i] = wide[i * 6 + j];
      }
    }
    double[] square = new double[5 * 5];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        square[i * 5 + j] = ((5 * i + 2 * j + i * j) % 9 - 4) / 8.0;
      }
    }
    assertArrayEquals(WIDE, Svd.of(wide, 4, 6).s(), 1e-14);
    assertArrayEquals(WIDE, Svd.of(tall, 6, 4).s(), 1e-14);
    assertArrayEquals(SQUARE, Svd.of(square, 5, 5).s(), 1e-14);
  }

  @Test
  void randomMatricesOfManyShapesAreReconstructedWithOrthonormalFactors() {
    int[][] shapes = {{1, 1}, {1, 5}, {5, 1}, {3, 17}, {17, 3}, {40, 40}, {64, 100}, {100, 64}};
    Rng rng = new Rng(11);
    for (int[] sh : shapes) {
      int rows = sh[0];
      int cols = sh[1];
      double[] w = new double[rows * cols];
      for (int i = 0; i < w.length; i++) {
        w[i] = rng.normal();
      }
      Svd svd = Svd.of(w, rows, cols);
      String at = rows + "x" + cols;
      int k = Math.min(rows, cols);
      assertEquals(k, svd.k(), at);
      double[] s = svd.s();
      for (int t = 1; t < k; t++) {
        assertTrue(s[t] <= s[t - 1] && s[t] >= 0, at + ": descending, non-negative");
      }
      assertTrue(relativeError(w, product(svd, k), rows, cols) < 1e-12, at);
      assertOrthonormal(svd.u(), rows, k, at + " U");
      assertOrthonormal(svd.v(), cols, k, at + " V");
      // The float factors, as the layers store them, still give W within float rounding.
      float[] left = svd.leftFactor(k);
      float[] right = svd.rightFactor(k);
      double[] lr = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          for (int t = 0; t < k; t++) {
            lr[i * cols + j] += (double) left[i * k + t] * right[t * cols + j];
          }
        }
      }
      assertTrue(relativeError(w, lr, rows, cols) < 1e-5, at + " float factors");
    }
  }

  @Test
  void aRankOneMatrixHasOneNonZeroSingularValue() {
    double[] a = {1, -2, 3, 0.5, 2, -1};
    double[] b = {2, 1, -1, 3};
    double[] w = new double[a.length * b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        w[i * b.length + j] = a[i] * b[j];
      }
    }
    Svd svd = Svd.of(w, a.length, b.length);
    double[] s = svd.s();
    assertEquals(Math.sqrt(19.25) * Math.sqrt(15), s[0], 1e-12);
    for (int t = 1; t < s.length; t++) {
      assertTrue(s[t] < 1e-12 * s[0], "s[" + t + "] = " + s[t]);
    }
    assertTrue(relativeError(w, product(svd, 1), a.length, b.length) < 1e-12);
    assertEquals(1.0, svd.energy(1), 1e-12);
  }

  @Test
  void theZeroMatrixGivesZeros() {
    Svd svd = Svd.of(new float[12], 3, 4);
    assertArrayEquals(new double[3], svd.s());
    assertArrayEquals(new float[9], svd.leftFactor(3));
    assertArrayEquals(new float[12], svd.rightFactor(3));
    assertEquals(1.0, svd.energy(1));
  }

  /** U_r S_r V_r^T, (rows, cols). */
  static double[] product(Svd svd, int r) {
    int rows = svd.rows();
    int cols = svd.cols();
    int k = svd.k();
    double[] u = svd.u();
    double[] s = svd.s();
    double[] v = svd.v();
    double[] w = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        for (int t = 0; t < r; t++) {
          w[i * cols + j] += u[i * k + t] * s[t] * v[j * k + t];
        }
      }
    }
    return w;
  }

  /** ||a - b||_F / ||a||_F. */
  static double relativeError(double[] a, double[] b, int rows, int cols) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < rows * cols; i++) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      norm += a[i] * a[i];
    }
    return Math.sqrt(diff / norm);
  }

  /** The k columns of m (n, k) are orthonormal. */
  private static void assertOrthonormal(double[] m, int n, int k, String what) {
    for (int p = 0; p < k; p++) {
      for (int q = p; q < k; q++) {
        double d = 0;
        for (int i = 0; i < n; i++) {
          d += m[i * k + p] * m[i * k + q];
        }
        assertEquals(p == q ? 1 : 0, d, 1e-12, what + " columns " + p + ", " + q);
      }
    }
  }
}
