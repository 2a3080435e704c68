package dev.whittle.compress.distill;

import dev.whittle.InputException;
import dev.whittle.data.Augmentation;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Init;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import dev.whittle.train.BatchLoss;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FitNets' first stage (Romero et al. 2015, section 2.2): the student's layers up to the guided
 * layer train to reproduce the teacher's hint layer, by mean squared error, through a linear
 * regressor when both layers are flat and of different widths. The regressor is dropped
 * afterwards; the student keeps what its layers learnt, and distillation proper follows.
 */
final class HintStage {
  private static final String REGRESSOR = "hint_regressor";

  private HintStage() {}

  /** Trains the student's prefix in place and returns the seconds it took. */
  static double run(Model teacher, Model student, Hint hint, Dataset data, TrainConfig cfg,
      Augmentation augmentation, Progress progress) {
    check(teacher, student, hint);
    int ti = index(teacher, hint.teacherLayer(), "teacher");
    int si = index(student, hint.studentLayer(), "student");
    int[] tShape = teacher.graph().outputShape(ti);
    int[] sShape = student.graph().outputShape(si);
    List<Graph.Node> nodes = new ArrayList<>(student.graph().nodes().subList(0, si + 1));
    String how = "directly";
    if (!Arrays.equals(tShape, sShape)) {
      Dense r = new Dense(sShape[0], tShape[0], true);
      Init.glorot(r.weight().latent(), sShape[0], tShape[0], Rng.derive(cfg.seed(), 0x68696e74L));
      nodes.add(new Graph.Node(REGRESSOR, r, List.of(hint.studentLayer())));
      how = "through a " + sShape[0] + "x" + tShape[0] + " linear regressor";
    }
    Model guided = new Model(new Graph(student.inputShape(), nodes));
    Plan hintPlan = Plan.compile(prefix(teacher, ti));
    TeacherOutputs targets = new TeacherOutputs(hintPlan, data, augmentation == null);
    progress.message("distill: hint stage (FitNets): student " + hint.studentLayer()
        + " learns teacher " + hint.teacherLayer() + " " + how + ", " + hint.epochs()
        + (hint.epochs() == 1 ? " epoch" : " epochs"));
    BatchLoss loss = BatchLoss.regression((b, out, g) -> mse(out, targets.forBatch(b), g));
    TrainConfig c = new TrainConfig(hint.epochs(), cfg.batchSize(), cfg.optimizer(), cfg.lr(),
        cfg.momentum(), cfg.weightDecay(), cfg.l1(), cfg.l2(), cfg.schedule(),
        cfg.warmupEpochs(), 0, 0, cfg.seed(), cfg.loss());
    Trainer trainer = new Trainer(c, progress).withLoss(loss);
    if (augmentation != null) {
      trainer.augment(augmentation);
    }
    double upfront = targets.seconds(); // later teacher runs fall inside training's time
    return trainer.fit(guided, data).seconds() + upfront;
  }

  /** Both layers exist, and their shapes are equal or both flat. */
  static void check(Model teacher, Model student, Hint hint) {
    int[] tShape = teacher.graph().outputShape(index(teacher, hint.teacherLayer(), "teacher"));
    int[] sShape = student.graph().outputShape(index(student, hint.studentLayer(), "student"));
    if (!Arrays.equals(tShape, sShape) && (tShape.length != 1 || sShape.length != 1)) {
      throw new InputException("--hint: teacher layer " + hint.teacherLayer() + " gives "
          + Shapes.format(tShape) + " per sample, student layer " + hint.studentLayer()
          + " gives " + Shapes.format(sShape) + "; a hint needs the same shape, or two flat"
          + " layers (joined by a linear regressor)");
    }
  }

  /** The model's layers up to and including node {@code last}; they share the layers. */
  static Model prefix(Model m, int last) {
    return new Model(new Graph(m.inputShape(), m.graph().nodes().subList(0, last + 1)));
  }

  private static int index(Model m, String layer, String who) {
    List<String> names = new ArrayList<>();
    for (Graph.Node n : m.graph().nodes()) {
      if (n.name().equals(layer)) {
        return names.size();
      }
      names.add(n.name());
    }
    throw new InputException("--hint: the " + who + " has no layer '" + layer + "'; its layers: "
        + String.join(", ", names));
  }

  /** Mean over all n * d values of (out - target)^2; gradient 2 (out - target) / (n d). */
  static double mse(Tensor out, float[] target, Tensor grad) {
    float[] o = out.data();
    float[] g = grad.data();
    double total = 0;
    double scale = 2.0 / o.length;
    for (int i = 0; i < o.length; i++) {
      double d = o[i] - (double) target[i];
      total += d * d;
      g[i] = (float) (scale * d);
    }
    return total / o.length;
  }
}
