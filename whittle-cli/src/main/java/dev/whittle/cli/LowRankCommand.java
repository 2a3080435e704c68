package dev.whittle.cli;

import dev.whittle.compress.lowrank.LowRank;
import dev.whittle.compress.lowrank.RankSpec;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.PlanAccuracy;
import dev.whittle.nn.Model;
import dev.whittle.plan.Plan;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code whittle lowrank}: truncated-SVD factorization of dense and convolution layers. */
@Command(
    name = "lowrank",
    mixinStandardHelpOptions = true,
    description = "Factorize dense and convolution layers by truncated SVD: each becomes two thin"
        + " layers (a convolution: a thin one, then a 1x1) wherever that saves parameters and"
        + " multiply-adds; then fine-tune. The second layer keeps the original name, the first"
        + " is NAME_a.",
    footer = {"", "Examples:",
        "  whittle lowrank base.wtl --energy 0.95 --finetune-epochs 2 --data mnist --out lr.wtl",
        "  whittle lowrank base.wtl --rank fc1=64,fc2=32 --data mnist --out lr.wtl"})
final class LowRankCommand implements Callable<Integer>, StepCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--rank", paramLabel = "R",
      description = "rank kept: one value for every layer, per layer (fc1=64,fc2=32), or both"
          + " (64,fc3=8); layers not named are left whole unless a value or --energy covers them")
  String rank;

  @Option(names = "--energy", paramLabel = "E",
      description = "keep the smallest rank whose squared singular values reach this fraction of"
          + " their sum, in (0, 1]; per-layer --rank values take precedence")
  Double energy;

  @Mixin FinetuneOption finetune;

  @Mixin ModelOutput output;
  private Path out;
  private long seed;

  @Mixin ThreadsOption threads;
  @Mixin ResumeOption resume;
  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  private RankSpec rs;
  private TrainConfig ft;

  @Override
  public void checkOptions() {
    seed = output.seed;
    rs = RankSpec.parse(rank, energy);
    ft = train.over(finetune.defaults(seed));
  }

  @Override
  public Integer call() {
    out = output.checked();
    json.check();
    checkOptions();
    threads.apply();
    Model model = ModelSource.load(file);
    Split split = data.load();
    Inputs.checkCompatible(model, file, split, data.name);
    Progress progress = Progress.stderr();
    ResumableFits fits = resume.fits(out, progress);
    long t0 = System.nanoTime();
    LowRank.Result r = LowRank.factorize(model, rs);
    Map<String, Object> ranks = new LinkedHashMap<>(); // ordered: the same bytes every time
    for (LowRank.LayerRank l : r.layers()) {
      progress.message("lowrank: " + l.summary());
      ranks.put(l.name(), l.factored() ? l.rank() + "/" + l.fullRank() : "whole");
    }
    Model factored = r.model();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (finetune.epochs > 0) {
      double acc = PlanAccuracy.of(Plan.compile(factored), split.test());
      progress.message(String.format("lowrank: accuracy before fine-tuning %.2f%%", 100 * acc));
      seconds += finetune.fit(fits, ft, progress, factored, split.train());
    }
    Map<String, Object> how = new LinkedHashMap<>();
    if (rank != null) {
      how.put("rank", rank);
    }
    if (energy != null) {
      how.put("energy", energy);
    }
    how.put("ranks", ranks);
    how.put("finetune_epochs", finetune.epochs);
    factored.provenance().put("lowrank", Json.compact(how));
    var metrics = Finish.save(factored, split, out,
        Outputs.command("lowrank", spec.commandLine().getParseResult().originalArgs()), seconds,
        progress.epochs());
    fits.finish();
    Finish.report(metrics, json);
    return 0;
  }
}
