package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake with {@code whittle distill} ends with exit code 2, a one-line message naming
 * the file or flag, and nothing written under the output name. On the bundled digits, so it runs
 * in seconds.
 */
class DistillBadInputTest {
  @TempDir static Path dir;
  static Path teacher;

  /** A CSV set of 40 rows with {@code features} columns and labels 0..classes-1. */
  static Path csv(String name, int features, int classes) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < features; j++) {
      b.append('f').append(j).append(',');
    }
    b.append("label\n");
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < features; j++) {
        b.append((i * 7 + j * 3) % 11).append(',');
      }
      b.append(i % classes).append('\n');
    }
    Path p = dir.resolve(name + ".csv");
    Files.writeString(p, b.toString());
    return p;
  }

  static Path train(String model, String data, String name) {
    Path out = dir.resolve(name + ".wtl");
    CliRun r = CliRun.of("train", "--model", model, "--data", data, "--epochs", "1", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    return out;
  }

  @BeforeAll
  static void trainTeacher() {
    teacher = train("lenet300", "digits", "teacher");
  }

  static void assertBad(String mustMention, String... args) {
    Path out = dir.resolve("out.wtl");
    assertFalse(Files.exists(out), "no earlier case wrote the output");
    List<String> all = new ArrayList<>(List.of("distill", "--out", out.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--teacher")) {
      all.addAll(List.of("--teacher", teacher.toString()));
    }
    if (!all.contains("--student")) {
      all.addAll(List.of("--student", "mlp:64-16-10"));
    }
    all.addAll(List.of("--data", "digits", "--epochs", "1"));
    CliRun r = CliRun.of(all.toArray(String[]::new));
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    String msg = r.errorLine();
    assertTrue(msg.contains(mustMention), "message '" + msg + "' should mention " + mustMention);
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("whittle ")).count(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
  }

  @Test
  void aStudentThatReadsOtherInputs() throws IOException {
    Path five = train("mlp:5-8-10", csv("five-features", 5, 10).toString(), "five");
    assertBad("teacher teacher.wtl takes inputs of 1x8x8 but student five.wtl takes 5: they must"
        + " read the same inputs", "--student", five.toString());
  }

  @Test
  void aStudentWithOtherOutputs() throws IOException {
    Path three = train("mlp:64-8-3", csv("three-classes", 64, 3).toString(), "three");
    assertBad("teacher teacher.wtl has 10 outputs but student three.wtl has 3: they must predict"
        + " the same classes", "--student", three.toString());
    assertBad("teacher teacher.wtl has 10 outputs but student mlp:64-16-5 has 5: they must"
        + " predict the same classes", "--student", "mlp:64-16-5");
    assertBad("teacher teacher.wtl takes inputs of 1x8x8 but student mlp:100-16-10 takes 100",
        "--student", "mlp:100-16-10");
    assertBad("teacher teacher.wtl has 10 outputs but student cnn:c4-mp2-7 has 7",
        "--student", "cnn:c4-mp2-7");
  }

  @Test
  void aTemperatureNotAboveZero() {
    assertBad("--temperature must be above 0, got 0.0", "--temperature", "0");
    assertBad("--temperature must be above 0, got -2.0", "--temperature", "-2");
    assertBad("--temperature must be above 0, got NaN", "--temperature", "NaN");
    assertBad("--temperature", "--temperature", "warm");
  }

  @Test
  void anAlphaOutsideZeroToOne() {
    assertBad("--alpha must be in [0, 1], got 1.5", "--alpha", "1.5");
    assertBad("--alpha must be in [0, 1], got -0.1", "--alpha", "-0.1");
  }

  @Test
  void flagsThatDoNotFitTheMode() {
    assertBad("--mode must be hard, soft or unlabeled, got 'medium'", "--mode", "medium");
    assertBad("--mode hard learns the teacher's argmax", "--mode", "hard", "--temperature", "4");
    assertBad("--mode unlabeled reads none", "--mode", "unlabeled", "--alpha", "0.5");
    assertBad("--transfer is a set without labels", "--transfer", teacher.toString());
    assertBad("--loss: distill's loss is set by --mode", "--loss", "mse");
    assertBad("--augment: unknown augmentation 'blur:1'", "--augment", "blur:1");
  }

  @Test
  void badFilesAndLayers() {
    assertBad("model " + dir.resolve("none.wtl") + ": no such file", "--teacher",
        dir.resolve("none.wtl").toString());
    assertBad("--student mlp:64-x-10", "--student", "mlp:64-x-10");
    assertBad("--student: unknown model 'resnet'", "--student", "resnet");
    assertBad("--hint: the teacher has no layer 'fc9'", "--hint", "fc9:fc1");
    assertBad("--hint: the student has no layer 'fc3'", "--hint", "fc3");
    assertBad("--transfer " + dir.resolve("none") + ": no such file", "--mode", "unlabeled",
        "--transfer", dir.resolve("none").toString());
  }
}
