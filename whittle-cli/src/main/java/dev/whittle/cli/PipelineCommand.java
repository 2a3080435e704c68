package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.pipeline.Recipe;
import dev.whittle.compress.pipeline.RecipeReader;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.eval.StepHistory;
import dev.whittle.eval.StorageTable;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.train.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code whittle pipeline}: runs a recipe, a chain of the model-making commands (prune, share,
 * quantize, lowrank, distill) with their settings, each step on the model the one before it
 * made, and shows what each stage bought, with the per-layer table of Deep Compression.
 *
 * <p>Each step is the command of its name, given the recipe's settings as its options: one
 * piece of code applies a technique whether it is asked for alone or in a recipe, and a recipe
 * accepts exactly what the command does. Each stage's model is written (atomically) into a
 * folder beside the output, so {@code --resume} after a crash skips the stages already made.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = "Run a recipe of compression steps (prune, share, quantize, lowrank, distill),"
        + " each on the model the step before made, and show every stage and, per layer, the"
        + " bits kept, as Deep Compression's Tables 2 and 3. RECIPE is deep-compression (built"
        + " in: iterative pruning to 93%, then weight sharing at 5 bits for dense layers and 8"
        + " for convolutions, then entropy coding) or a recipe file (YAML).",
    footer = {"", "Examples:",
        "  whittle pipeline deep-compression base.wtl --data mnist --out dc.wtl",
        "  whittle pipeline my-recipe.yaml base.wtl --data mnist --out small.wtl --keep-stages",
        "  whittle pipeline deep-compression --show        (print the recipe, to start your own)",
        "", "A recipe file:",
        "  steps:",
        "    - prune:",
        "        sparsity: 0.9",
        "        finetune_epochs: 4",
        "    - quantize:",
        "        mode: ptq",
        "        bits: 8",
        "A step's settings are its command's options without the dashes (finetune_epochs or"
            + " finetune-epochs is --finetune-epochs; a flag takes true or false)."})
final class PipelineCommand implements Callable<Integer> {
  /** The commands a recipe can chain: each makes one model from another. */
  static final List<String> STEPS = List.of("prune", "share", "quantize", "lowrank", "distill");

  /** Options the pipeline gives every step itself. */
  private static final Set<String> RESERVED = Set.of("out", "json", "seed", "data", "data-dir",
      "label-column", "threads", "resume", "help", "version", "student");

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RECIPE",
      description = "deep-compression, or a recipe file (.yaml)")
  String recipeName;

  @Parameters(index = "1", arity = "0..1", paramLabel = "MODEL",
      description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", description = "the model file to write (.wtl)")
  Path out;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "seed, given to every step (default: 1)")
  long seed;

  @Option(names = "--show", description = "print the recipe and exit")
  boolean show;

  @Option(names = "--keep-stages",
      description = "keep each stage's model in the folder OUT.stages (else removed at the end)")
  boolean keepStages;

  @Option(names = "--resume",
      description = "after a crash: keep the stages already made (same recipe, same input)")
  boolean resume;

  @Option(names = "--keep-curves",
      description = "keep the per-epoch training curves of every step in the output's provenance"
          + " (left out by default: they would be part of what the compression ratio counts;"
          + " the stage files keep them)")
  boolean keepCurves;

  /** Provenance entries that hold per-epoch training curves. */
  static final List<String> CURVES = List.of("curve", StepHistory.CURVES);

  @Mixin ThreadsOption threads;
  @Mixin DataOptions data;
  @Mixin JsonOption json;

  /** One step ready to run: its command line and where its model goes. */
  private record Stage(Recipe.Step step, List<String> args, Path model) {}

  @Override
  public Integer call() {
    Recipe recipe = recipe();
    if (show) {
      System.out.print(recipe.text());
      return 0;
    }
    if (file == null || out == null) {
      throw new InputException("give the model to compress and --out FILE (or --show to print"
          + " the recipe)");
    }
    Outputs.checkReadable(file, "model");
    Outputs.checkModelOut(out);
    json.check();
    Path dir = stagesDir();
    List<Stage> stages = plan(recipe, dir);
    threads.apply();
    Model input = ModelSource.load(file);
    Split split = data.load();
    Inputs.checkCompatible(input, file, split, data.name);
    Progress progress = Progress.stderr();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InputException("--out " + out + ": cannot create the stage folder " + dir + ": "
          + e.getMessage());
    }
    List<Metrics> rows = new ArrayList<>();
    Plan inputPlan = Plan.compile(input);
    rows.add(ModelStats.of(input, file.getFileName().toString(), data.name,
        PlanAccuracy.of(inputPlan, split.test()), split.test().n(), size(file), null)
        .withPlan(inputPlan.macs()));
    double seconds = 0;
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      String label = (i + 1) + " " + s.step().name();
      Double took = null;
      if (resume && made(s)) {
        progress.message("pipeline: stage " + label + " was made before; kept");
      } else {
        progress.message("pipeline: stage " + (i + 1) + "/" + stages.size() + ": "
            + Outputs.command(s.step().name(), s.args()));
        long t0 = System.nanoTime();
        run(recipe, s, resume);
        took = (System.nanoTime() - t0) / 1e9;
        seconds += took;
      }
      Model m = ModelFile.load(s.model());
      rows.add(ModelStats.of(m, label, data.name,
          Double.valueOf(m.provenance().get("accuracy")), split.test().n(), size(s.model()), took)
          .withPlan(Plan.compile(m).macs()));
    }
    Model last = ModelFile.load(stages.get(stages.size() - 1).model());
    Map<String, Object> how = new LinkedHashMap<>();
    how.put("recipe", recipe.name());
    how.put("steps", stages.stream().map(s -> s.step().name()).toList());
    last.provenance().put("pipeline", Json.compact(how));
    if (!keepCurves) {
      CURVES.forEach(last.provenance()::remove);
    }
    // The stages recorded their training times; the pipeline's own line adds none. Its time is
    // what its stages recorded (on --resume, in the run that made them).
    Double all = StepHistory.trainSeconds(last.provenance());
    Double before = StepHistory.trainSeconds(input.provenance());
    Metrics made = Finish.save(last, split, out, Outputs.command("pipeline",
        spec.commandLine().getParseResult().originalArgs()), 0)
        .withTrainSeconds(all != null && before != null ? all - before : seconds);
    rows.add(made);
    List<StorageTable.Row> storage = StorageTable.of(last);
    print(System.out, rows, storage);
    Map<String, Object> doc = new LinkedHashMap<>(made.toMap());
    doc.put("recipe", recipe.name());
    doc.put("stages", rows.subList(1, rows.size() - 1).stream().map(Metrics::toMap).toList());
    doc.put("storage", storage.stream().map(StorageTable.Row::toMap).toList());
    json.write(doc);
    if (!keepStages) {
      removeStages(dir, stages);
    }
    return 0;
  }

  private Recipe recipe() {
    var builtIn = Recipe.builtIn(recipeName);
    if (builtIn.isPresent()) {
      return builtIn.get();
    }
    Path p = Path.of(recipeName);
    if (!Files.isRegularFile(p)) {
      throw new InputException("recipe " + recipeName + ": no such file, and not a built-in"
          + " recipe (built in: " + String.join(", ", Recipe.BUILT_IN) + ")");
    }
    try {
      if (Files.size(p) > 1 << 20) {
        throw new InputException("recipe " + recipeName + ": larger than 1 MB; a recipe is a few"
            + " lines of YAML");
      }
      String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
      return RecipeReader.read(text, p.getFileName().toString());
    } catch (IOException e) {
      throw new InputException("recipe " + recipeName + ": cannot read: " + e.getMessage());
    }
  }

  /** The stage folder: OUT without its extension, plus ".stages". */
  private Path stagesDir() {
    String name = out.getFileName().toString().replaceFirst("\\.wtl$", "");
    return out.resolveSibling(name + ".stages");
  }

  /**
   * Every step's command line, each checked by the command's own parser before any work: an
   * unknown step or setting, or a value of the wrong type, is reported with its line.
   */
  private List<Stage> plan(Recipe recipe, Path dir) {
    List<Stage> stages = new ArrayList<>();
    Path in = file;
    for (int i = 0; i < recipe.steps().size(); i++) {
      Recipe.Step step = recipe.steps().get(i);
      if (!STEPS.contains(step.name())) {
        throw recipe.error(step.line(), "unknown step '" + step.name() + "' (steps: "
            + String.join(", ", STEPS) + ")");
      }
      CommandLine cl = stepCommand(step.name());
      Path model = dir.resolve((i + 1) + "-" + step.name() + ".wtl");
      List<String> args = new ArrayList<>();
      if (step.name().equals("distill")) {
        // The model so far is the student; the teacher is the pipeline's input unless given.
        args.addAll(List.of("--student", in.toString()));
        if (step.setting("teacher").isEmpty()) {
          args.addAll(List.of("--teacher", file.toString()));
        }
      } else {
        args.add(in.toString());
      }
      for (Recipe.Setting s : step.settings()) {
        args.addAll(option(recipe, step, s, cl.getCommandSpec()));
      }
      args.addAll(List.of("--out", model.toString(), "--seed", Long.toString(seed), "--data",
          data.name, "--label-column", data.labelColumn));
      if (data.dir != null) {
        args.addAll(List.of("--data-dir", data.dir.toString()));
      }
      if (threads.threads != null) {
        args.addAll(List.of("--threads", threads.threads.toString()));
      }
      try {
        cl.parseArgs(args.toArray(String[]::new));
        if (cl.getCommand() instanceof StepCommand c) {
          c.checkOptions();
        }
      } catch (CommandLine.ParameterException | InputException e) {
        throw recipe.error(lineOf(step, e.getMessage()), "step " + step.name() + ": "
            + e.getMessage());
      }
      stages.add(new Stage(step, List.copyOf(args), model));
      in = model;
    }
    return stages;
  }

  /** A fresh, stand-alone instance of the command a step names. */
  private static CommandLine stepCommand(String name) {
    return new CommandLine(Main.commandLine().getSubcommands().get(name).getCommand().getClass());
  }

  /** The command-line form of one setting, checked against the step command's options. */
  private static List<String> option(Recipe recipe, Recipe.Step step, Recipe.Setting s,
      CommandLine.Model.CommandSpec cmd) {
    String flag = "--" + s.key().replace('_', '-').toLowerCase(Locale.ROOT);
    if (RESERVED.contains(flag.substring(2))) {
      throw recipe.error(s.line(), "step " + step.name() + ": '" + s.key() + "' is set by the"
          + " pipeline for every step (from its own " + flag + ")");
    }
    CommandLine.Model.OptionSpec o = cmd.findOption(flag);
    if (o == null) {
      List<String> known = cmd.options().stream()
          .map(x -> x.longestName().replaceFirst("^--", "").replace('-', '_'))
          .filter(x -> !RESERVED.contains(x.replace('_', '-')))
          .sorted().toList();
      throw recipe.error(s.line(), "step " + step.name() + " has no setting '" + s.key()
          + "' (its settings: " + String.join(", ", known) + ")");
    }
    boolean flagOnly = o.arity().max() == 0;
    if (flagOnly) {
      if (!s.value().equals("true") && !s.value().equals("false")) {
        throw recipe.error(s.line(), "step " + step.name() + ": '" + s.key() + "' is a switch;"
            + " give true or false, not '" + s.value() + "'");
      }
      return s.value().equals("true") ? List.of(flag) : List.of();
    }
    return List.of(flag + "=" + s.value());
  }

  /** The line of the setting a parser message names, else the step's. */
  private static int lineOf(Recipe.Step step, String message) {
    for (Recipe.Setting s : step.settings()) {
      if (message.contains("--" + s.key().replace('_', '-'))) {
        return s.line();
      }
    }
    return step.line();
  }

  /**
   * Runs one stage's command in this process, its table on stderr (stdout keeps the pipeline's
   * own). A bad setting value comes back naming the recipe's line. On {@code --resume}, a stage
   * whose command left a checkpoint continues from it.
   */
  private static void run(Recipe recipe, Stage s, boolean resume) {
    CommandLine cl = stepCommand(s.step().name());
    List<String> args = new ArrayList<>(s.args());
    // The stage interrupted last time continues from its own checkpoint, if it wrote one.
    if (resume && cl.getCommandSpec().findOption("--resume") != null
        && Files.exists(TrainingSession.checkpointFor(s.model()))) {
      args.add("--resume");
    }
    cl.parseArgs(args.toArray(String[]::new));
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      Object cmd = cl.getCommand();
      ((Callable<?>) cmd).call();
    } catch (InputException e) {
      throw recipe.error(lineOf(s.step(), e.getMessage()), "step " + s.step().name() + ": "
          + e.getMessage());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      System.out.flush();
      System.setOut(stdout);
    }
  }

  /**
   * Whether a stage's model is there from an earlier run of the same step on the same input:
   * it loads, and its provenance names exactly this stage's command.
   */
  private static boolean made(Stage s) {
    if (!Files.isRegularFile(s.model())) {
      return false;
    }
    try {
      Model m = ModelFile.load(s.model());
      return Outputs.command(s.step().name(), s.args()).equals(m.provenance().get("command"));
    } catch (InputException e) {
      return false;
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void removeStages(Path dir, List<Stage> stages) {
    try {
      for (Stage s : stages) {
        Files.deleteIfExists(s.model());
      }
      try (var left = Files.list(dir)) {
        if (left.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    } catch (IOException e) {
      System.err.println("pipeline: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** The stage table, then the per-layer table of Deep Compression. */
  static void print(PrintStream out, List<Metrics> rows, List<StorageTable.Row> storage) {
    Metrics base = rows.get(0);
    Table t = new Table("stage", "accuracy", "delta", "nonzero", "bytes", "ratio", "MACs",
        "time s");
    for (Metrics m : rows) {
      t.row(m.model(), Reports.pct(m.accuracy()), m == base ? ""
              : Reports.fmt("%+.2f", 100 * (m.accuracy() - base.accuracy())),
          Reports.count(m.nonzeroParams()), Reports.bytes(m.bytes()),
          Reports.fmt("%.1fx", m.compressionRatio()), Reports.count(m.macs()),
          m.trainSeconds() == null ? null : Reports.fmt("%.1f", m.trainSeconds()));
    }
    t.print(out);
    out.println();
    Table l = new Table("layer", "weights", "kept (P)", "weight bits (P+Q)", "(P+Q+H)",
        "index bits (P+Q)", "(P+Q+H)", "rate (P+Q)", "(P+Q+H)");
    for (StorageTable.Row r : storage) {
      l.row(r.layer(), Reports.count(r.weights()), Reports.fmt("%.1f%%", 100 * r.kept()),
          bits(r.weightBits()), bits(r.weightBitsCoded()), bits(r.indexBits()),
          bits(r.indexBitsCoded()), Reports.fmt("%.2f%%", 100 * r.rawRate()),
          Reports.fmt("%.2f%%", 100 * r.rate()));
    }
    l.print(out);
    StorageTable.Row total = storage.get(storage.size() - 1);
    out.println(Reports.fmt("weights: %.1fx smaller than 32-bit dense; the whole file (biases,"
        + " graph, provenance): %.1fx", 1 / total.rate(), rows.get(rows.size() - 1)
        .compressionRatio()));
  }

  private static String bits(Double b) {
    return b == null ? null : b == Math.rint(b) ? Reports.fmt("%.0f", b) : Reports.fmt("%.1f", b);
  }
}
