package dev.whittle.compress.lowrank;

/**
 * The thin singular value decomposition W = U diag(s) V^T of a (rows, cols) matrix, with k =
 * min(rows, cols) singular values in descending order, computed in double by one-sided Jacobi
 * (Hestenes 1958; the rotation of Demmel and Veselic 1992, section 4): the columns of the matrix
 * or of its transpose, whichever has fewer, are rotated in pairs until every pair is
 * orthogonal; their norms are then the singular values. It is slower than Golub-Kahan but
 * short, and accurate to the last digits even for the small singular values.
 *
 * <p>The columns of U and V are orthonormal, except that a zero singular value gets a zero
 * column in U (it contributes nothing to any product).
 */
public final class Svd {
  private static final int MAX_SWEEPS = 100;

  private final int rows;
  private final int cols;
  private final double[] u; // (rows, k)
  private final double[] s; // (k), descending
  private final double[] v; // (cols, k)

  private Svd(int rows, int cols, double[] u, double[] s, double[] v) {
    this.rows = rows;
    this.cols = cols;
    this.u = u;
    this.s = s;
    this.v = v;
  }

  /** The decomposition of {@code w}, row-major (rows, cols). */
  public static Svd of(float[] w, int rows, int cols) {
    double[] d = new double[w.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = w[i];
    }
    return of(d, rows, cols);
  }

  /** The decomposition of {@code w}, row-major (rows, cols). */
  public static Svd of(double[] w, int rows, int cols) {
    if (rows <= 0 || cols <= 0 || w.length != rows * cols) {
      throw new IllegalArgumentException("expected a " + rows + " x " + cols + " matrix, got "
          + w.length + " values");
    }
    // Rotate the k = min(rows, cols) columns of A, each of length m: A = W when it is tall, else
    // A = W^T, whose decomposition is W's with U and V swapped.
    boolean tall = rows >= cols;
    int k = Math.min(rows, cols);
    int m = Math.max(rows, cols);
    double[][] a = new double[k][m]; // a[j] is column j of A
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (tall) {
          a[j][i] = w[i * cols + j];
        } else {
          a[i][j] = w[i * cols + j];
        }
      }
    }
    double[][] rot = new double[k][k]; // rot[j] is column j of the accumulated rotation
    for (int j = 0; j < k; j++) {
      rot[j][j] = 1;
    }
    orthogonalize(a, rot);
    double[] norm = new double[k];
    Integer[] order = new Integer[k];
    for (int j = 0; j < k; j++) {
      norm[j] = Math.sqrt(dot(a[j], a[j]));
      order[j] = j;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(norm[y], norm[x]));
    double[] s = new double[k];
    double[] left = new double[m * k]; // (m, k): A's left vectors
    double[] right = new double[k * k]; // (k, k): A's right vectors
    for (int t = 0; t < k; t++) {
      int j = order[t];
      s[t] = norm[j];
      for (int i = 0; i < m; i++) {
        left[i * k + t] = s[t] == 0 ? 0 : a[j][i] / s[t];
      }
      for (int i = 0; i < k; i++) {
        right[i * k + t] = rot[j][i];
      }
    }
    return tall ? new Svd(rows, cols, left, s, right) : new Svd(rows, cols, right, s, left);
  }

  /**
   * Rotates pairs of columns of {@code a} until all are orthogonal, applying each rotation to
   * {@code rot}. A pair counts as orthogonal when |a_p . a_q| <= sqrt(m) eps |a_p| |a_q|, the
   * test of LAPACK's dgesvj. The squared norms are recomputed at each sweep and updated after
   * each rotation in between, so that a pair costs one dot product.
   */
  private static void orthogonalize(double[][] a, double[][] rot) {
    int k = a.length;
    double tolerance = Math.sqrt(a[0].length) * Math.ulp(1.0);
    double[] norm2 = new double[k];
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      for (int j = 0; j < k; j++) {
        norm2[j] = dot(a[j], a[j]);
      }
      boolean rotated = false;
      for (int p = 0; p < k - 1; p++) {
        for (int q = p + 1; q < k; q++) {
          double alpha = norm2[p];
          double beta = norm2[q];
          if (alpha == 0 || beta == 0) {
            continue;
          }
          double gamma = dot(a[p], a[q]);
          if (Math.abs(gamma) <= tolerance * Math.sqrt(alpha) * Math.sqrt(beta)) {
            continue;
          }
          rotated = true;
          // The rotation that makes columns p and q orthogonal: t = tan(theta) is the smaller
          // root of t^2 + 2 zeta t - 1 = 0.
          double zeta = (beta - alpha) / (2 * gamma);
          double t = zeta == 0 ? 1
              : Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          double c = 1 / Math.sqrt(1 + t * t);
          double sn = c * t;
          rotate(a[p], a[q], c, sn);
          rotate(rot[p], rot[q], c, sn);
          norm2[p] = Math.max(0, alpha - t * gamma);
          norm2[q] = beta + t * gamma;
        }
      }
      if (!rotated) {
        return;
      }
    }
  }

  private static void rotate(double[] x, double[] y, double c, double s) {
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double yi = y[i];
      x[i] = c * xi - s * yi;
      y[i] = s * xi + c * yi;
    }
  }

  /** x . y with four partial sums, which the processor can add in parallel. */
  private static double dot(double[] x, double[] y) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int n = x.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[i] * y[i];
      s1 += x[i + 1] * y[i + 1];
      s2 += x[i + 2] * y[i + 2];
      s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++) {
      s0 += x[i] * y[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The number of singular values, min(rows, cols): the largest rank the matrix can have. */
  public int k() {
    return s.length;
  }

  /** The singular values, descending. */
  public double[] s() {
    return s.clone();
  }

  /** U, (rows, k) row-major. */
  public double[] u() {
    return u.clone();
  }

  /** V, (cols, k) row-major. */
  public double[] v() {
    return v.clone();
  }

  /** The fraction of the squared Frobenius norm that the first {@code r} singular values keep. */
  public double energy(int r) {
    return RankSpec.energy(s, r);
  }

  /**
   * The left factor of the rank-r approximation, U_r sqrt(S_r), (rows, r) row-major: the
   * singular values are split evenly between the two factors so that both have the same scale.
   */
  public float[] leftFactor(int r) {
    float[] f = new float[rows * r];
    for (int i = 0; i < rows; i++) {
      for (int t = 0; t < r; t++) {
        f[i * r + t] = (float) (u[i * k() + t] * Math.sqrt(s[t]));
      }
    }
    return f;
  }

  /** The right factor of the rank-r approximation, sqrt(S_r) V_r^T, (r, cols) row-major. */
  public float[] rightFactor(int r) {
    float[] f = new float[r * cols];
    for (int t = 0; t < r; t++) {
      double root = Math.sqrt(s[t]);
      for (int j = 0; j < cols; j++) {
        f[t * cols + j] = (float) (root * v[j * k() + t]);
      }
    }
    return f;
  }
}
