package dev.whittle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Hinton et al. 2015's soft loss: its value, its gradient, and the limits the paper names. */
class DistillationLossTest {
  // The inputs of scripts/distill/kl_golden.py: logits that are exact in float32.
  private static final float[] STUDENT = {1.5f, -0.25f, 0.75f, 2.0f, -1.0f, 0.0f, 0.5f, -2.125f,
      1.25f, 0.375f, 3.0f, 2.875f, -0.5f, -0.625f, 0.125f};
  private static final float[] TEACHER = {4.0f, -2.0f, 1.0f, 6.5f, -3.0f, -1.0f, 5.25f, -4.0f,
      2.0f, 0.0f, 7.0f, 1.0f, -2.0f, -2.5f, 0.5f};
  private static final int[] LABELS = {3, 1, 0};

  private static Tensor student() {
    return Tensor.of(new int[] {3, 5}, STUDENT.clone());
  }

  /**
   * Golden values printed by {@code /usr/bin/python3 scripts/distill/kl_golden.py} (PyTorch
   * 1.13, float64: kl_div with reduction "batchmean" times alpha T^2, plus (1 - alpha) times
   * cross_entropy; the gradient by autograd). Never edited by hand.
   */
  private static void assertGolden(double t, double alpha, double loss, double... grad) {
    Tensor g = Tensor.zeros(3, 5);
    double l = new DistillationLoss(t, alpha).compute(student(), TEACHER, LABELS, g);
    assertEquals(loss, l, 1e-12 * Math.abs(loss), "loss at T " + t + ", alpha " + alpha);
    for (int i = 0; i < grad.length; i++) {
      assertEquals(grad[i], g.data()[i], 1e-7, "gradient " + i + " at T " + t + ", alpha " + alpha);
    }
  }

  @Test
  void matchesPyTorchKlDiv() {
    assertGolden(4.0, 0.9, 2.8914260027298013, -0.021558891748697795, 0.11708019807382837,
        0.09311971283054643, -0.288690495163793, 0.10004947600811603, 0.11127926136689185,
        -0.35762708843738955, 0.07776521638468803, 0.06793607520956071, 0.10064653547624904,
        -0.3919453436808226, 0.20416898604814882, 0.07498351503750465, 0.07941103969968288,
        0.033381802895486375);
    assertGolden(1.0, 0.5, 0.8991455811885958, 0.08611626173188877, 0.01712175142359544,
        0.045999661182609425, -0.15732867839386835, 0.008091004055774738, 0.042906762929041005,
        -0.25474806357880947, 0.005145903662816673, 0.1446549867394395, 0.062040410247512355,
        -0.16561870114829474, 0.1469839248614468, 0.00502310817911766, 0.0044385299359583595,
        0.009173138171771927);
    assertGolden(20.0, 0.0, 0.9836557441694033, 0.09870849512264976, 0.017152964449521878,
        0.04662659156733934, -0.1705905378258208, 0.008102486686309827, 0.04321434180325998,
        -0.2620849288029929, 0.005161217113255925, 0.15083287357435732, 0.0628764963121197,
        -0.16631254274338425, 0.1473953303628604, 0.005043590852943456, 0.0044509533056265975,
        0.009422668221953747);
    assertGolden(2.5, 1.0, 2.5638568155649177, 0.017976928536517334, 0.09001613705716549,
        0.10115100575478209, -0.2771074257444868, 0.067963354396022, 0.10709445773234878,
        -0.36845270499905214, 0.05152289922971509, 0.10043981699873654, 0.10939553103825168,
        -0.38291149359016796, 0.22611578790233805, 0.0560072318640755, 0.0557594667959808,
        0.045029007027773474);
  }

  @Test
  void gradientMatchesCentralDifferences() {
    Rng rng = new Rng(7);
    double[][] cases = {{4, 0.9}, {1, 0.5}, {0.5, 0.3}, {20, 1}, {3, 0}};
    for (double[] c : cases) {
      DistillationLoss loss = new DistillationLoss(c[0], c[1]);
      Tensor z = Tensor.zeros(4, 7);
      float[] teacher = new float[28];
      for (int i = 0; i < 28; i++) {
        z.data()[i] = (float) (rng.normal() * 3);
        teacher[i] = (float) (rng.normal() * 5);
      }
      int[] labels = {0, 6, 3, 3};
      Tensor grad = Tensor.zeros(4, 7);
      loss.compute(z, teacher, labels, grad);
      double h = 1e-3;
      for (int i = 0; i < z.size(); i++) {
        float saved = z.data()[i];
        float up = (float) (saved + h);
        float down = (float) (saved - h);
        z.data()[i] = up;
        double plus = loss.compute(z, teacher, labels, Tensor.zeros(4, 7));
        z.data()[i] = down;
        double minus = loss.compute(z, teacher, labels, Tensor.zeros(4, 7));
        z.data()[i] = saved;
        // Divided by the step float32 really took, not 2h: the logits are float32.
        assertEquals((plus - minus) / ((double) up - down), grad.data()[i], 1e-5,
            "d/dz[" + i + "] at T " + c[0] + ", alpha " + c[1]);
      }
    }
  }

  @Test
  void byHand() {
    // T 1, alpha 1, student (0, 0), teacher (ln 3, 0): p_t = (3/4, 1/4), p_s = (1/2, 1/2);
    // KL = 3/4 ln 3/2 + 1/4 ln 1/2; gradient p_s - p_t = (-1/4, 1/4).
    Tensor g = Tensor.zeros(1, 2);
    double l = new DistillationLoss(1, 1).compute(Tensor.zeros(1, 2),
        new float[] {(float) Math.log(3), 0f}, null, g);
    assertEquals(0.75 * Math.log(1.5) + 0.25 * Math.log(0.5), l, 1e-7);
    assertEquals(-0.25f, g.data()[0], 1e-7);
    assertEquals(0.25f, g.data()[1], 1e-7);
  }

  @Test
  void theSameLogitsAsTheTeacherCostNothing() {
    Tensor g = Tensor.zeros(3, 5);
    double l = new DistillationLoss(4, 1).compute(student(), STUDENT, null, g);
    assertEquals(0, l, 1e-12);
    for (float v : g.data()) {
      assertEquals(0f, v, 1e-8);
    }
  }

  @Test
  void atHighTemperatureItMatchesLogits() {
    // Section 2.1: for T large against the logits, with logits of zero mean per sample, the
    // gradient 1/T (q - p) is (z_s - z_t) / (N T^2); the T^2 factor makes it (z_s - z_t) / N,
    // over the batch size n too: distillation becomes Caruana's logit matching.
    float[] zs = {1f, -2f, 0.5f, 0.5f};
    float[] zt = {3f, 1f, -1.5f, -2.5f};
    Tensor g = Tensor.zeros(1, 4);
    new DistillationLoss(1000, 1).compute(Tensor.of(new int[] {1, 4}, zs), zt, null, g);
    for (int j = 0; j < 4; j++) {
      assertEquals((zs[j] - zt[j]) / 4.0, g.data()[j], 1e-3, "class " + j);
    }
  }

  @Test
  void hugeLogitsStayFinite() {
    Tensor g = Tensor.zeros(1, 3);
    double l = new DistillationLoss(2, 0.5).compute(Tensor.of(new int[] {1, 3}, 1e30f, -1e30f, 0f),
        new float[] {-1e30f, 1e30f, 0f}, new int[] {1}, g);
    assertTrue(Double.isFinite(l) && l > 1e29, "loss " + l);
    for (float v : g.data()) {
      assertTrue(Float.isFinite(v), "gradient " + v);
    }
  }

  @Test
  void badSettingsNameTheFlag() {
    assertEquals("--temperature must be above 0, got 0.0",
        assertThrows(InputException.class, () -> new DistillationLoss(0, 0.5)).getMessage());
    assertEquals("--alpha must be in [0, 1], got 1.5",
        assertThrows(InputException.class, () -> new DistillationLoss(4, 1.5)).getMessage());
    assertThrows(InputException.class, () -> new DistillationLoss(Double.NaN, 0.5));
    assertThrows(InputException.class, () -> new DistillationLoss(4, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(4, 0.5)
        .compute(student(), TEACHER, null, Tensor.zeros(3, 5)));
  }
}
