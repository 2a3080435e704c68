package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.distill.DistillMode;
import dev.whittle.compress.distill.DistillSpec;
import dev.whittle.compress.distill.Distiller;
import dev.whittle.compress.distill.Hint;
import dev.whittle.data.Augmentation;
import dev.whittle.data.Dataset;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.tensor.Shapes;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code whittle distill}: knowledge distillation from a teacher into a student. */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    description = "Train a student on a teacher's outputs (Hinton et al. 2015): hard (the"
        + " teacher's argmax as labels), soft (temperature T, mixed with the labels by alpha) or"
        + " unlabeled (soft targets alone, no label read). The student is an architecture or a"
        + " .wtl file, a pruned or quantized one too: its constraints hold.",
    footer = {"", "Examples:",
        "  whittle distill --teacher base.wtl --student mlp:784-32-10 --mode soft"
            + " --temperature 4 --alpha 0.9 --data mnist --out st.wtl --baseline",
        "  whittle distill --teacher base.wtl --student mlp:784-100-10 --mode unlabeled"
            + " --augment jitter:2 --data mnist --out u.wtl",
        "  whittle distill --teacher base.wtl --student p.wtl --epochs 2 --data mnist --out pd.wtl"})
final class DistillCommand implements Callable<Integer> {
  static final double DEFAULT_TEMPERATURE = 4;
  static final double DEFAULT_ALPHA = 0.9;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--teacher", required = true, paramLabel = "FILE",
      description = "the teacher: a .wtl or .onnx file")
  Path teacherFile;

  @Option(names = "--student", required = true, paramLabel = "SPEC|FILE",
      description = "an architecture (mlp:784-32-10, lenet300, cnn:...) trained from scratch, or"
          + " a .wtl/.onnx file fine-tuned (a pruned model stays pruned)")
  String student;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "soft",
      description = "hard, soft or unlabeled (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--temperature", paramLabel = "T",
      description = "softmax temperature of the soft targets, above 0 (default: 4)")
  Double temperature;

  @Option(names = "--alpha", paramLabel = "A",
      description = "weight of the soft term against the labels' cross-entropy, in [0, 1]"
          + " (default: 0.9)")
  Double alpha;

  @Option(names = "--augment", paramLabel = "SPEC",
      description = "train on changed copies: jitter:PIXELS, noise:SIGMA, or both joined by a"
          + " comma; the teacher then runs on every batch")
  String augment;

  @Option(names = "--transfer", paramLabel = "PATH",
      description = "with --mode unlabeled: train on these images instead of the data set's"
          + " (an IDX image file, or a folder of IDX files whose labels are not read)")
  Path transfer;

  @Option(names = "--hint", paramLabel = "LAYER[:LAYER]",
      description = "FitNets hint first: the student's layers up to the second name (default:"
          + " the first) learn the teacher's layer of the first name")
  String hint;

  @Option(names = "--hint-epochs", paramLabel = "N", defaultValue = "1",
      description = "epochs of the hint stage (default: ${DEFAULT-VALUE})")
  int hintEpochs;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
      description = "epochs of distillation (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "seed of every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--baseline",
      description = "also train the same student alone on the labels, with the same epochs and"
          + " seed, and report it beside the distilled one")
  boolean baseline;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the distilled student")
  Path out;

  @Mixin ThreadsOption threads;

  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    Outputs.checkModelOut(out);
    json.check();
    DistillSpec how = spec();
    boolean fromFile = isModelFile(student);
    TrainConfig cfg = train.over(fromFile ? TrainConfig.finetuneDefaults(epochs, seed)
        : TrainConfig.defaults(epochs, seed));
    threads.apply();
    Model teacher = ModelSource.load(teacherFile);
    String teacherName = teacherFile.getFileName().toString();
    Model first = fromFile ? ModelSource.load(Path.of(student)) : null;
    Split split = data.load();
    Inputs.checkCompatible(teacher, teacherFile, split, data.name);
    if (!fromFile) {
      checkSpec(teacher, teacherName);
    }
    Model pupil = fromFile ? first : build(split, teacher.outputs());
    String studentName = fromFile ? Path.of(student).getFileName().toString() : student;
    Distiller.check(teacher, teacherName, pupil, studentName, how);
    Dataset transferSet = transfer == null ? split.train() : transferSet(teacher);
    Progress progress = Progress.stderr();
    String dataset = split.train().name().replaceAll("/.*", "");

    List<DistillReport.Row> rows = new ArrayList<>();
    Plan teacherPlan = Plan.compile(teacher);
    double teacherAcc = PlanAccuracy.of(teacherPlan, split.test());
    rows.add(new DistillReport.Row("teacher", ModelStats.of(teacher, teacherName, dataset,
        teacherAcc, split.test().n(), teacherFile.toFile().length(), null)
        .withPlan(teacherPlan.macs())));
    progress.message(String.format(Locale.ROOT, "distill: teacher %s %.2f%% (%d test errors)",
        teacherName, 100 * teacherAcc, DistillReport.errors(rows.get(0).metrics())));
    if (baseline) {
      Model alone = fromFile ? ModelSource.load(Path.of(student)) : build(split, teacher.outputs());
      progress.message("distill: baseline: " + studentName + " alone on the labels, " + epochs
          + (epochs == 1 ? " epoch" : " epochs") + ", seed " + seed);
      Trainer.Result r = new Trainer(cfg, progress).fit(alone, split.train());
      Plan p = Plan.compile(alone);
      rows.add(new DistillReport.Row("alone", ModelStats.of(alone, studentName, dataset,
          PlanAccuracy.of(p, split.test()), split.test().n(), null, r.seconds())
          .withPlan(p.macs())));
    }
    Distiller.Result r = Distiller.run(teacher, pupil, transferSet, how, cfg, progress);
    record(pupil, how, cfg, r, split, teacherName, teacherAcc);
    Metrics m = Finish.save(pupil, split, out,
        Outputs.command("distill", spec.commandLine().getParseResult().originalArgs()),
        r.seconds(), r.training().curve());
    rows.add(new DistillReport.Row("distilled", m));
    DistillReport.print(System.out, rows);
    json.write(DistillReport.json(rows));
    return 0;
  }

  /** The flags as a spec, checked before any work. */
  private DistillSpec spec() {
    DistillMode m = DistillMode.parse(mode);
    double t = temperature != null ? temperature : DEFAULT_TEMPERATURE;
    double a = alpha != null ? alpha : DEFAULT_ALPHA;
    DistillSpec s = new DistillSpec(m, t, a, augment == null ? null
        : Augmentation.parse(augment, "--augment"), hint == null ? null
        : Hint.parse(hint, hintEpochs));
    if (m == DistillMode.HARD && (temperature != null || alpha != null)) {
      throw new InputException("--temperature and --alpha shape soft targets; --mode hard"
          + " learns the teacher's argmax: drop them or use --mode soft");
    }
    if (m == DistillMode.UNLABELED && alpha != null) {
      throw new InputException("--alpha weighs the labels; --mode unlabeled reads none (it is"
          + " alpha 1): drop --alpha or use --mode soft");
    }
    if (transfer != null && m != DistillMode.UNLABELED) {
      throw new InputException("--transfer is a set without labels: use it with --mode"
          + " unlabeled");
    }
    if (train.loss != null) {
      throw new InputException("--loss: distill's loss is set by --mode");
    }
    return s;
  }

  private static boolean isModelFile(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    return l.endsWith(".wtl") || l.endsWith(".onnx");
  }

  /**
   * An {@code mlp:} or {@code cnn:} spec states its outputs last (and an mlp its inputs first):
   * checked against the teacher, so the message names both.
   */
  private void checkSpec(Model teacher, String teacherName) {
    if (!student.startsWith("mlp:") && !student.startsWith("cnn:")) {
      return;
    }
    String[] tokens = student.substring(4).split("-");
    int[] in = teacher.inputShape();
    int out = teacher.outputs();
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].matches("[1-9]\\d{0,8}")) {
        if (i == 0 && student.startsWith("mlp:")) {
          in = new int[] {Integer.parseInt(tokens[i])};
        } else {
          out = Integer.parseInt(tokens[i]);
        }
      }
    }
    Distiller.checkShapes(teacher.inputShape(), teacher.outputs(), teacherName, in, out, student);
  }

  private Model build(Split split, int classes) {
    try {
      return Architectures.build(student, split.train().sampleShape(), classes, seed);
    } catch (InputException e) {
      String msg = e.getMessage();
      throw new InputException(msg.startsWith("--model") ? "--student" + msg.substring(7)
          : "--student " + student + ": " + msg, e);
    }
  }

  /** The unlabelled images of {@code --transfer}. */
  private Dataset transferSet(Model teacher) {
    Dataset d;
    if (java.nio.file.Files.isDirectory(transfer)) {
      d = dev.whittle.data.DataSets.load(transfer.toString(), null).train();
    } else {
      Outputs.checkReadable(transfer, "--transfer");
      d = dev.whittle.data.Idx.readImages(transfer, transfer.getFileName().toString());
    }
    if (d.features() != Shapes.size(teacher.inputShape())) {
      throw new InputException("--transfer " + transfer.getFileName() + ": images of "
          + Shapes.format(d.sampleShape()) + ", the teacher takes "
          + Shapes.format(teacher.inputShape()));
    }
    return new Dataset(d.name(), d.x(), null, d.n(), d.sampleShape(), 0);
  }

  /** Provenance: how the student was made, so `whittle info` can tell. */
  private void record(Model pupil, DistillSpec how, TrainConfig cfg, Distiller.Result r,
      Split split, String teacherName, double teacherAcc) {
    Map<String, Object> d = new LinkedHashMap<>(); // ordered: the same run gives the same bytes
    d.put("teacher", teacherName);
    d.put("teacher_accuracy", teacherAcc);
    d.put("mode", how.mode().flag());
    if (how.mode() != DistillMode.HARD) {
      d.put("temperature", how.temperature());
    }
    if (how.mode() == DistillMode.SOFT) {
      d.put("alpha", how.alpha());
    }
    d.put("augment", augment);
    d.put("transfer", transfer == null ? null : transfer.getFileName().toString());
    d.put("hint", hint);
    d.put("hint_epochs", hint == null ? null : hintEpochs);
    d.put("teacher_samples", r.teacherSamples());
    var prov = pupil.provenance();
    prov.put("dataset", split.train().name().replaceAll("/.*", ""));
    prov.put("dataset_sha256", split.checksum());
    prov.put("seed", Long.toString(seed));
    Map<String, Object> config = TrainingSession.configMap(cfg);
    config.put("loss", "distillation (" + how.mode().flag() + ")");
    prov.put("train_config", Json.compact(config));
    prov.put("curve", TrainingSession.curveJson(r.training().curve()));
    prov.put("distillation", Json.compact(d));
  }
}
