package dev.whittle.compress.distill;

import dev.whittle.InputException;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import dev.whittle.train.BatchLoss;
import dev.whittle.train.DistillationLoss;
import dev.whittle.train.Loss;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.util.List;
import java.util.Locale;

/**
 * Distils a teacher into a student, in place, with the one trainer: the student's constraints (a
 * pruning mask, fake quantization) hold throughout, so distillation can be the fine-tuning step
 * after compression.
 *
 * <p>The teacher runs as its compiled plan. Without augmentation its outputs on the training
 * set are computed once and looked up by sample for every epoch; with augmentation it runs on
 * every changed batch. In hard and unlabeled modes the trainer's labels are the teacher's argmax
 * (its accuracy is then agreement with the teacher); in unlabeled mode the data set's own
 * labels are dropped before anything reads them.
 */
public final class Distiller {
  private Distiller() {}

  /**
   * What a run did.
   *
   * @param training the student's training curve and time
   * @param seconds all of it: teacher passes, the hint stage and training
   * @param teacherSeconds the teacher's share
   * @param teacherSamples samples the teacher ran on (the training set once when cached)
   */
  public record Result(Trainer.Result training, double seconds, double teacherSeconds,
      long teacherSamples) {}

  /**
   * Teacher and student must read the same inputs (the same number of values per sample: a
   * flat 784 reads a 1x28x28 image) and predict the same number of classes.
   *
   * @param teacherName the teacher's file, for messages, or empty
   */
  public static void checkCompatible(Model teacher, String teacherName, Model student,
      String studentName) {
    checkShapes(teacher.inputShape(), teacher.outputs(), teacherName, student.inputShape(),
        student.outputs(), studentName);
  }

  /** {@link #checkCompatible} on shapes alone: per-sample inputs and the number of outputs. */
  public static void checkShapes(int[] teacherInput, int teacherOutputs, String teacherName,
      int[] studentInput, int studentOutputs, String studentName) {
    String t = teacherName.isEmpty() ? "the teacher" : "teacher " + teacherName;
    String s = studentName.isEmpty() ? "the student" : "student " + studentName;
    if (Shapes.size(teacherInput) != Shapes.size(studentInput)) {
      throw new InputException(t + " takes inputs of " + Shapes.format(teacherInput) + " but "
          + s + " takes " + Shapes.format(studentInput) + ": they must read the same inputs");
    }
    if (teacherOutputs != studentOutputs) {
      throw new InputException(t + " has " + teacherOutputs + " outputs but " + s + " has "
          + studentOutputs + ": they must predict the same classes");
    }
  }

  /** {@link #checkCompatible}, and the hint's layers when the spec has one. */
  public static void check(Model teacher, String teacherName, Model student, String studentName,
      DistillSpec spec) {
    checkCompatible(teacher, teacherName, student, studentName);
    if (spec.hint() != null) {
      HintStage.check(logits(teacher, Progress.silent()), student, spec.hint());
    }
  }

  /**
   * Distils {@code teacher} into {@code student}.
   *
   * @param train the training (transfer) set; in unlabeled mode it may have no labels
   * @param cfg epochs, optimizer, schedule and seed of the student's training; its loss is
   *     replaced by the mode's
   */
  public static Result run(Model teacher, Model student, Dataset train, DistillSpec spec,
      TrainConfig cfg, Progress progress) {
    check(teacher, "", student, "", spec);
    Model logits = logits(teacher, progress);
    Plan plan = Plan.compile(logits);
    int k = plan.outputs();
    boolean soft = spec.mode() == DistillMode.SOFT;
    Dataset data = spec.mode() == DistillMode.UNLABELED ? withoutLabels(train) : train;
    if (soft && (!data.labelled() || data.classes() > k)) {
      throw new InputException(data.labelled() ? "the data set has " + data.classes()
          + " classes but the teacher has " + k + " outputs" : "soft mode mixes in the labels,"
          + " but " + data.name() + " has none: use --mode unlabeled");
    }
    boolean augmented = spec.augmentation() != null;
    TeacherOutputs teacherOut = new TeacherOutputs(plan, data, !augmented);
    progress.message(String.format(Locale.ROOT, "distill: %s, %s; teacher outputs %s",
        spec.mode().flag(), soft ? "T " + num(spec.temperature()) + ", alpha "
            + num(spec.alpha()) : spec.mode() == DistillMode.HARD ? "the teacher's argmax as labels"
            : "T " + num(spec.temperature()) + ", no labels",
        augmented ? "computed on every augmented batch"
            : String.format(Locale.ROOT, "for %,d samples cached in %.1fs", data.n(),
                teacherOut.seconds())));
    Dataset fit = soft ? data : new Dataset(data.name() + "/teacher-labels", data.x(),
        teacherOut.argmax(data), data.n(), data.sampleShape(), k);
    double upfront = teacherOut.seconds(); // later teacher runs fall inside training's time
    double hintSeconds = spec.hint() == null ? 0
        : HintStage.run(logits, student, spec.hint(), fit, cfg, spec.augmentation(), progress);
    Trainer trainer = new Trainer(cfg, progress).withLoss(loss(spec, teacherOut));
    if (augmented) {
      trainer.augment(spec.augmentation());
    }
    Trainer.Result r = trainer.fit(student, fit);
    return new Result(r, r.seconds() + hintSeconds + upfront, teacherOut.seconds(),
        teacherOut.samplesRun());
  }

  /**
   * The mode's loss. Hard and unlabeled modes write the teacher's argmax on the batch's inputs
   * (augmented or not) over the batch's labels, so the accuracy reported while training is
   * agreement with the teacher.
   */
  private static BatchLoss loss(DistillSpec spec, TeacherOutputs teacher) {
    int k = teacher.outputs();
    Loss ce = Loss.crossEntropy();
    DistillationLoss kd = spec.softLoss();
    DistillMode mode = spec.mode();
    return (b, out, g) -> {
      float[] z = teacher.forBatch(b); // (m, k)
      if (mode == DistillMode.SOFT) {
        return kd.compute(out, z, b.labels(), g);
      }
      int[] argmax = TeacherOutputs.argmax(z, b.samples().length, k);
      System.arraycopy(argmax, 0, b.labels(), 0, argmax.length);
      return mode == DistillMode.HARD ? ce.compute(out, argmax, g) : kd.compute(out, z, null, g);
    };
  }

  /**
   * The teacher up to its logits: a final softmax (common in exported models) is left out, since
   * Hinton's soft targets divide the logits by T.
   */
  static Model logits(Model teacher, Progress progress) {
    List<Graph.Node> nodes = teacher.graph().nodes();
    if (nodes.size() > 1 && nodes.get(nodes.size() - 1).layer().kind().equals("softmax")) {
      progress.message("distill: the teacher ends in a softmax; its soft targets come from the"
          + " logits before it");
      return HintStage.prefix(teacher, nodes.size() - 2);
    }
    return teacher;
  }

  private static Dataset withoutLabels(Dataset d) {
    return d.labelled() ? new Dataset(d.name(), d.x(), null, d.n(), d.sampleShape(), 0) : d;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
  }
}
