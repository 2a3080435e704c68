package dev.whittle.compress.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.compress.prune.Mask;
import dev.whittle.data.Augmentation;
import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.nn.Softmax;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The distiller's plumbing on the bundled digits (1,437 training images of 8x8). */
class DistillerTest {
  static Dataset train;
  static Model teacher;

  @BeforeAll
  static void trainTeacher() {
    train = DataSets.digits().train();
    teacher = Architectures.build("lenet300", train.sampleShape(), 10, 1);
    new Trainer(TrainConfig.defaults(3, 1), Progress.silent()).fit(teacher, train);
  }

  static Model student() {
    return Architectures.build("mlp:64-32-10", train.sampleShape(), 10, 2);
  }

  static DistillSpec soft(Augmentation a) {
    return new DistillSpec(DistillMode.SOFT, 4, 0.9, a, null);
  }

  static Distiller.Result distill(Model student, Dataset data, DistillSpec spec, int epochs) {
    return Distiller.run(teacher, student, data, spec, TrainConfig.defaults(epochs, 3),
        Progress.silent());
  }

  static float[] weights(Model m) {
    List<Float> all = new ArrayList<>();
    for (Parameter p : m.graph().parameters().values()) {
      for (float v : p.value().data()) {
        all.add(v);
      }
    }
    float[] w = new float[all.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = all.get(i);
    }
    return w;
  }

  @Test
  void theTeacherRunsOncePerSampleUnlessAugmentationChangesTheInputs() {
    assertEquals(train.n(), distill(student(), train, soft(null), 3).teacherSamples());
    Distiller.Result noisy = distill(student(), train, soft(Augmentation.noise(0.05)), 3);
    assertEquals(3L * train.n(), noisy.teacherSamples());
  }

  @Test
  void theStudentLearnsFromTheTeacher() {
    Model s = student();
    Distiller.Result r = distill(s, train, soft(null), 4);
    var curve = r.training().curve();
    assertTrue(curve.get(3).trainLoss() < curve.get(0).trainLoss() / 2, "loss " + curve);
    assertTrue(curve.get(3).trainAccuracy() > 0.9, "accuracy " + curve.get(3));
  }

  @Test
  void unlabeledModeReadsNoLabel() {
    int[] wrong = new int[train.n()];
    for (int i = 0; i < wrong.length; i++) {
      wrong[i] = (train.y()[i] + 1 + i % 7) % 10;
    }
    Dataset scrambled = new Dataset("scrambled", train.x(), wrong, train.n(),
        train.sampleShape(), 10);
    Dataset none = new Dataset("none", train.x(), null, train.n(), train.sampleShape(), 0);
    DistillSpec spec = new DistillSpec(DistillMode.UNLABELED, 4, 0.9, null, null);
    Model a = student();
    Model b = student();
    Model c = student();
    distill(a, train, spec, 2);
    distill(b, scrambled, spec, 2);
    distill(c, none, spec, 2);
    assertArrayEquals(weights(a), weights(b), "true and scrambled labels give the same student");
    assertArrayEquals(weights(a), weights(c), "and so does a set without labels");
  }

  @Test
  void hardModeLearnsTheTeachersArgmax() {
    Model s = student();
    Distiller.Result r = distill(s, train, new DistillSpec(DistillMode.HARD, 1, 0, null, null), 4);
    assertTrue(r.training().curve().get(3).trainAccuracy() > 0.9, "agreement " + r.training());
  }

  @Test
  void aPrunedStudentStaysPruned() {
    Model s = student();
    Parameter w = s.graph().parameters().get("fc1.weight");
    float[] v = w.latent().data();
    for (int i = 0; i < v.length; i += 3) {
      v[i] = 0f;
    }
    w.addConstraint(Mask.ofNonZeros(v, "magnitude"));
    float[] before = v.clone();
    distill(s, train, soft(Augmentation.noise(0.05)), 2);
    for (int i = 0; i < v.length; i++) {
      if (before[i] == 0f) {
        assertEquals(0f, w.value().data()[i], "pruned weight " + i);
      }
    }
    assertFalse(java.util.Arrays.equals(before, w.value().data()), "the kept weights trained");
  }

  @Test
  void theHintStageTrainsTheLayersUpToTheGuidedOne() {
    Model s = Architectures.build("mlp:64-32-16-10", train.sampleShape(), 10, 2);
    float[] fc1 = s.graph().parameters().get("fc1.weight").value().data().clone();
    float[] fc2 = s.graph().parameters().get("fc2.weight").value().data().clone();
    HintStage.run(teacher, s, Hint.parse("fc2:fc1", 2), train, TrainConfig.defaults(2, 3),
        null, Progress.silent());
    assertFalse(java.util.Arrays.equals(fc1, s.graph().parameters().get("fc1.weight").value()
        .data()), "fc1 learnt the hint");
    assertArrayEquals(fc2, s.graph().parameters().get("fc2.weight").value().data(),
        "layers after the guided one wait for distillation");
    assertEquals(List.of("flatten", "fc1", "relu1", "fc2", "relu2", "fc3"),
        s.graph().nodes().stream().map(Graph.Node::name).toList(), "the regressor is dropped");
  }

  @Test
  void aHintNeedsCompatibleShapes() {
    Model conv = Architectures.build("cnn:c4-mp2-10", train.sampleShape(), 10, 2);
    Model convTeacher = Architectures.build("cnn:c8-mp2-10", train.sampleShape(), 10, 2);
    InputException e = assertThrows(InputException.class, () -> HintStage.run(convTeacher, conv,
        Hint.parse("conv1", 1), train, TrainConfig.defaults(1, 1), null, Progress.silent()));
    assertTrue(e.getMessage().startsWith("--hint: teacher layer conv1 gives 8x8x8"), e.getMessage());
    e = assertThrows(InputException.class, () -> HintStage.run(teacher, student(),
        Hint.parse("fc9", 1), train, TrainConfig.defaults(1, 1), null, Progress.silent()));
    assertTrue(e.getMessage().contains("no layer 'fc9'"), e.getMessage());
  }

  @Test
  void teacherAndStudentMustAgreeOnInputsAndClasses() {
    Model fiveClasses = Architectures.build("mlp:64-16-5", train.sampleShape(), 5, 1);
    InputException e = assertThrows(InputException.class,
        () -> Distiller.checkCompatible(teacher, "t.wtl", fiveClasses, "s.wtl"));
    assertEquals("teacher t.wtl has 10 outputs but student s.wtl has 5: they must predict the"
        + " same classes", e.getMessage());
    Model wide = Architectures.build("mlp:100-16-10", new int[] {100}, 10, 1);
    e = assertThrows(InputException.class,
        () -> Distiller.checkCompatible(teacher, "t.wtl", wide, "s.wtl"));
    assertEquals("teacher t.wtl takes inputs of 1x8x8 but student s.wtl takes 100: they must read"
        + " the same inputs", e.getMessage());
  }

  @Test
  void aFinalSoftmaxIsLeftOutOfTheSoftTargets() {
    List<Graph.Node> nodes = new ArrayList<>(teacher.graph().nodes());
    nodes.add(new Graph.Node("prob", new Softmax(), List.of(nodes.get(nodes.size() - 1).name())));
    Model withSoftmax = new Model(new Graph(teacher.inputShape(), nodes));
    Model logits = Distiller.logits(withSoftmax, Progress.silent());
    assertEquals(teacher.graph().nodes().size(), logits.graph().nodes().size());
    assertEquals(teacher, Distiller.logits(teacher, Progress.silent()));
  }
}
