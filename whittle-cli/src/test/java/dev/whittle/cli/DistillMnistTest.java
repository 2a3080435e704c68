package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.data.DataSets;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knowledge distillation on the real MNIST, from the lenet300 baseline (98.43%, 157 test
 * errors), reported as Hinton et al. 2015 report it: test errors of the teacher, of the student
 * trained alone and of the student distilled, with the same epochs and seed.
 */
class DistillMnistTest {
  static final String STUDENT = "mlp:784-30-10";

  @TempDir static Path dir;
  static Path teacher;

  @BeforeAll
  static void teacher() {
    teacher = TestModels.baseline("lenet300", "mnist", 10);
  }

  /** One run's JSON: per model, in order, its role, accuracy and test errors. */
  record Run(List<String> roles, List<Double> accuracy, List<Long> errors, CliRun cli) {
    double distilled() {
      return accuracy.get(accuracy.size() - 1);
    }

    long errorsOf(String role) {
      return errors.get(roles.indexOf(role));
    }
  }

  /** Runs distill with {@code --out DIR/NAME.wtl}; NAME may hold a folder. */
  static Run distill(String name, String... args) {
    Path out = dir.resolve(name + ".wtl");
    Path json = dir.resolve(name + ".json");
    try {
      Files.createDirectories(out.getParent());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> all = new ArrayList<>(List.of("distill", "--out", out.toString(), "--json",
        json.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--teacher")) {
      all.addAll(List.of("--teacher", teacher.toString()));
    }
    if (!all.contains("--data")) {
      all.addAll(List.of("--data", "mnist"));
    }
    CliRun r = CliRun.of(all.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    try {
      String text = Files.readString(json);
      return new Run(all(text, "\"role\": \"(\\w+)\"").stream().toList(),
          all(text, "\"accuracy\": ([0-9.eE-]+)").stream().map(Double::parseDouble).toList(),
          all(text, "\"test_errors\": (\\d+)").stream().map(Long::parseLong).toList(), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void softTargetsBeatTheSameStudentAloneOverThreeSeedsAndHardIsReportedBeside() {
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "MNIST test errors of 10,000; student %s, 3 epochs each, the same seed for alone and"
            + " distilled%n%-6s %8s %6s %5s %5s%n", STUDENT, "seed", "teacher", "alone", "hard",
        "soft"));
    double alone = 0;
    double soft = 0;
    double hard = 0;
    for (int seed = 1; seed <= 3; seed++) {
      String s = Integer.toString(seed);
      Run sr = distill("soft" + s, "--student", STUDENT, "--mode", "soft", "--temperature", "4",
          "--alpha", "0.9", "--epochs", "3", "--seed", s, "--baseline");
      assertEquals(List.of("teacher", "alone", "distilled"), sr.roles());
      Run hr = distill("hard" + s, "--student", STUDENT, "--mode", "hard", "--epochs", "3",
          "--seed", s);
      assertEquals(List.of("teacher", "distilled"), hr.roles());
      assertTrue(hr.distilled() >= 0.95, "hard mode learns the teacher's labels: " + hr.cli().out());
      alone += sr.errorsOf("alone") / 3.0;
      soft += sr.errorsOf("distilled") / 3.0;
      hard += hr.errorsOf("distilled") / 3.0;
      table.append(String.format(Locale.ROOT, "%-6s %8d %6d %5d %5d%n", s,
          sr.errorsOf("teacher"), sr.errorsOf("alone"), hr.errorsOf("distilled"),
          sr.errorsOf("distilled")));
      if (seed == 1) {
        System.out.println(sr.cli().out());
      }
    }
    table.append(String.format(Locale.ROOT, "%-6s %8s %6.1f %5.1f %5.1f", "mean", "", alone, hard,
        soft));
    System.out.println(table);
    assertTrue(soft < alone, "distilled with soft targets (" + soft + " errors on average) must"
        + " beat the same student alone (" + alone + ")\n" + table);
  }

  @Test
  void anUnlabeledStudentReaches97PercentWithoutReadingALabel() throws IOException {
    // The training labels of this copy of MNIST are random: a student that read them could not
    // reach 97%. The test labels are the real ones, to measure the result.
    Split mnist = DataSets.load("mnist", null);
    Path folder = Files.createDirectories(dir.resolve("mnist-random-labels"));
    int[] random = new int[mnist.train().n()];
    SplittableRandom rng = new SplittableRandom(5);
    int agree = 0;
    for (int i = 0; i < random.length; i++) {
      random[i] = rng.nextInt(10);
      agree += random[i] == mnist.train().y()[i] ? 1 : 0;
    }
    assertTrue(agree < random.length / 8, "about a tenth of random labels are right: " + agree);
    writeImages(folder.resolve("train-images-idx3-ubyte"), mnist.train());
    writeLabels(folder.resolve("train-labels-idx1-ubyte"), random);
    writeImages(folder.resolve("t10k-images-idx3-ubyte"), mnist.test());
    writeLabels(folder.resolve("t10k-labels-idx1-ubyte"), mnist.test().y());
    Run r = distill("unlabeled", "--student", "mlp:784-64-10", "--mode", "unlabeled",
        "--temperature", "4", "--epochs", "3", "--data", folder.toString());
    System.out.println(r.cli().out());
    assertTrue(r.distilled() >= 0.97, "unlabeled student " + r.distilled());
  }

  @Test
  void aTransferSetOfBareImagesWithJitterGivesTheSameBytesTwice() throws IOException {
    Path images = dir.resolve("first-10k-images-idx3-ubyte");
    writeImages(images, DataSets.load("mnist", null).train().head(10_000));
    String[] args = {"--student", STUDENT, "--mode", "unlabeled", "--transfer",
        images.toString(), "--augment", "jitter:1", "--epochs", "1"};
    Run a = distill("a/transfer", args);
    distill("b/transfer", args);
    assertTrue(a.distilled() >= 0.9, "10,000 unlabelled images, one epoch: " + a.distilled());
    assertArrayEquals(TestModels.bytesWithoutTimes(dir.resolve("a/transfer.wtl")),
        TestModels.bytesWithoutTimes(dir.resolve("b/transfer.wtl")),
        "the same seed gives the same bytes, but for the training times");
  }

  @Test
  void aPrunedStudentStaysPruned() {
    Path pruned = dir.resolve("pruned.wtl");
    CliRun p = CliRun.of("prune", teacher.toString(), "--sparsity", "0.9", "--finetune-epochs",
        "0", "--data", "mnist", "--out", pruned.toString());
    assertEquals(0, p.code(), p.err());
    Run r = distill("pruned-distilled", "--student", pruned.toString(), "--epochs", "1");
    System.out.println(p.out() + r.cli().out());
    Model before = ModelFile.load(pruned);
    Model after = ModelFile.load(dir.resolve("pruned-distilled.wtl"));
    Map<String, Parameter> was = before.graph().parameters();
    after.graph().parameters().forEach((name, param) -> {
      float[] w0 = was.get(name).value().data();
      float[] w1 = param.value().data();
      for (int i = 0; i < w0.length; i++) {
        if (w0[i] == 0f) {
          assertEquals(0f, w1[i], name + "[" + i + "] was pruned");
        }
      }
      assertEquals(was.get(name).constraints().size(), param.constraints().size(), name);
    });
    assertEquals(before.nonZeroParams(), after.nonZeroParams());
    assertTrue(r.distilled() >= 0.97, "one epoch of distillation repairs the cut: " + r.cli().out());
  }

  @Test
  void anOnnxTeacherWithAHint() {
    Path onnx = dir.resolve("teacher.onnx");
    CliRun e = CliRun.of("export", teacher.toString(), "--format", "onnx", "--out", onnx.toString());
    assertEquals(0, e.code(), e.err());
    Run r = distill("from-onnx", "--teacher", onnx.toString(), "--student", STUDENT, "--hint",
        "fc2:fc1", "--epochs", "1");
    System.out.println(r.cli().err() + r.cli().out());
    assertTrue(r.cli().err().contains("through a 30x100 linear regressor"), r.cli().err());
    assertEquals(Math.round((1 - TestModels.accuracy(teacher)) * 10_000), r.errorsOf("teacher"),
        "the ONNX teacher is the same model");
    assertTrue(r.distilled() >= 0.93, "one epoch: " + r.distilled());
  }

  static void writeImages(Path file, Dataset d) throws IOException {
    int[] shape = d.sampleShape();
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      out.writeInt(2051);
      out.writeInt(d.n());
      out.writeInt(shape[1]);
      out.writeInt(shape[2]);
      for (float v : d.x()) {
        out.writeByte(Math.round(v * 255));
      }
    }
  }

  static void writeLabels(Path file, int[] y) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      out.writeInt(2049);
      out.writeInt(y.length);
      for (int v : y) {
        out.writeByte(v);
      }
    }
  }
}
