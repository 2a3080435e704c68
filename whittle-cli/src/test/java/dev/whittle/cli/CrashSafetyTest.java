package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.whittle.io.ModelFile;
import dev.whittle.train.Checkpoint;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills commands that train (and the pipeline, which chains them) ({@code Process.destroyForcibly}, SIGKILL on Linux) at random
 * moments, {@value #KILLS} times each, in a child JVM. After every kill each file under its final
 * name is complete (the output loads and is already the finished result; the checkpoint loads)
 * or absent; the same command with {@code --resume} then goes on, and every run that finishes,
 * however often it was interrupted, writes a file byte for byte the same as an uninterrupted run,
 * its recorded training curves included (a checkpoint keeps the epochs of the command's earlier
 * training runs); only the recorded wall-clock times differ.
 *
 * <p>To cover another command, add a {@link Job} to {@link #jobs()}.
 */
class CrashSafetyTest {
  /** Kills per command; 6 commands give 60. */
  static final int KILLS = 10;

  /**
   * A command to interrupt. In {@code args}, {@code {out}} is the output file and {@code {base}}
   * a small trained model (mlp:64-128-128-10 on digits); {@code --resume} is added when a
   * checkpoint exists.
   */
  record Job(String name, List<String> args) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Job> jobs() {
    List<String> data = List.of("--data", "digits", "--threads", "1", "--out", "{out}");
    return Stream.of(
        new Job("train", concat(List.of("train", "--model", "mlp:64-128-128-10", "--epochs", "5",
            "--seed", "3"), data)),
        new Job("prune", concat(List.of("prune", "{base}", "--sparsity", "0.8", "--schedule",
            "iterative:3", "--finetune-epochs", "6", "--seed", "3"), data)),
        new Job("quantize", concat(List.of("quantize", "{base}", "--mode", "qat", "--bits", "4",
            "--finetune-epochs", "4", "--seed", "3"), data)),
        new Job("share", concat(List.of("share", "{base}", "--bits", "3", "--finetune-epochs",
            "5", "--seed", "3"), data)),
        new Job("lowrank", concat(List.of("lowrank", "{base}", "--rank", "fc1=16,fc2=16",
            "--finetune-epochs", "5", "--seed", "3"), data)),
        // The pipeline keeps its stages in OUT.stages/ and always takes --resume: with nothing
        // made yet it starts from the beginning.
        new Job("pipeline", concat(List.of("pipeline", "deep-compression", "{base}", "--resume",
            "--seed", "3"), data)));
  }

  @TempDir static Path dir;
  private static Path base;

  @BeforeAll
  static void baseModel() throws Exception {
    base = dir.resolve("base.wtl");
    Process p = start(List.of("train", "--model", "mlp:64-128-128-10", "--epochs", "1",
        "--data", "digits", "--threads", "1", "--out", base.toString()), dir.resolve("base.log"));
    assertEquals(0, p.waitFor(), () -> log(dir.resolve("base.log")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void killedAtRandomAndResumedEndsAsAnUninterruptedRun(Job job) throws Exception {
    Path work = Files.createDirectory(dir.resolve(job.name()));
    Path out = work.resolve("out.wtl");
    Path ckpt = TrainingSession.checkpointFor(out);
    Path logFile = dir.resolve(job.name() + ".log");

    // The reference has the same file name (it is in the provenance), in a folder of its own.
    Path refOut = Files.createDirectory(dir.resolve(job.name() + "-reference")).resolve("out.wtl");
    long t0 = System.nanoTime();
    Process ref = start(args(job, refOut), logFile);
    assertEquals(0, ref.waitFor(), () -> log(logFile));
    long runMillis = (System.nanoTime() - t0) / 1_000_000;
    byte[] reference = TestModels.bytesWithoutTimes(refOut);

    Random random = new Random(job.name().hashCode());
    int kills = 0;
    int finished = 0;
    while (kills < KILLS) {
      Process p = start(withResume(args(job, out), ckpt), logFile);
      // Anywhere in a run: early kills hit start-up and loading, late ones training and saves.
      long delay = (long) ((0.1 + 0.85 * random.nextDouble()) * runMillis);
      if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
        assertEquals(0, p.exitValue(), () -> log(logFile));
        finished += finishedRun(out, ckpt, reference);
        runMillis = Math.max(300, runMillis * 7 / 10); // runs are quicker than the first: aim earlier
        continue;
      }
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed process did not end");
      kills++;
      checkFinalNames(work, out, ckpt, reference);
      if (Files.exists(out) && !Files.exists(ckpt)) {
        finished += finishedRun(out, ckpt, reference); // killed after its last step
      }
    }
    Process last = start(withResume(args(job, out), ckpt), logFile);
    assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the last run did not end");
    assertEquals(0, last.exitValue(), () -> log(logFile));
    finished += finishedRun(out, ckpt, reference);
    assertTrue(finished >= 1);
    System.out.println(job.name() + ": " + kills + " kills, " + finished + " finished runs");
  }

  /** Checks a finished run's output against the reference and clears it for the next run. */
  private static int finishedRun(Path out, Path ckpt, byte[] reference) throws IOException {
    assertArrayEquals(reference, TestModels.bytesWithoutTimes(out),
        "a resumed run wrote a different file than the uninterrupted one");
    assertFalse(Files.exists(ckpt), "the checkpoint outlived a finished run");
    Files.delete(out);
    return 1;
  }

  /**
   * Every file under its final name loads: the output is only ever written whole, at the end, so
   * it must already be the reference. Leftovers of an interrupted write are only temporary files.
   */
  private static void checkFinalNames(Path work, Path out, Path ckpt, byte[] reference)
      throws IOException {
    if (Files.exists(out)) {
      ModelFile.load(out);
      assertArrayEquals(reference, TestModels.bytesWithoutTimes(out), "an interrupted run left an output");
    }
    if (Files.exists(ckpt)) {
      Checkpoint.load(ckpt);
    }
    try (Stream<Path> files = Files.list(work)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        boolean known = f.equals(out) || f.equals(ckpt) || (n.startsWith(".") && n.contains(".tmp-"));
        if (n.equals("out.stages") && Files.isDirectory(f)) {
          checkStages(f); // the pipeline's
          continue;
        }
        if (!known) {
          fail("unexpected file after a kill: " + n);
        }
      }
    }
  }

  /** A pipeline's stage models and their checkpoints load; anything else is a temporary file. */
  private static void checkStages(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(".wtl")) {
          ModelFile.load(f);
        } else if (n.endsWith(".wtl.ckpt")) {
          Checkpoint.load(f);
        } else if (!(n.startsWith(".") && n.contains(".tmp-"))) {
          fail("unexpected file in the pipeline's stage folder after a kill: " + n);
        }
      }
    }
  }

  private static List<String> args(Job job, Path out) {
    List<String> a = new ArrayList<>();
    for (String s : job.args()) {
      a.add(s.replace("{out}", out.toString()).replace("{base}", base.toString()));
    }
    return a;
  }

  private static List<String> withResume(List<String> args, Path ckpt) {
    return Files.exists(ckpt) ? concat(args, List.of("--resume")) : args;
  }

  /** The command line in a child JVM with this test's class path. */
  static Process start(List<String> args, Path logFile) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    // (A class-data archive would start faster, but CDS refuses class folders on the path.)
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Xmx1g", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(args);
    File log = logFile.toFile();
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
  }

  private static String log(Path f) {
    try {
      String s = Files.readString(f);
      return s.substring(Math.max(0, s.length() - 3000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
