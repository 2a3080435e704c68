package dev.whittle.cli;

import dev.whittle.compress.share.KMeans;
import dev.whittle.compress.share.ShareSpec;
import dev.whittle.compress.share.Sharing;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code whittle share}: weight sharing by k-means, with the centroids fine-tuned. */
@Command(
    name = "share",
    mixinStandardHelpOptions = true,
    description = "Share weights (Deep Compression): cluster each layer's non-zero weights into"
        + " 2^bits centroids by k-means, fine-tune the centroids, and save b-bit indices and"
        + " relative positions entropy-coded beside the centroids. Pruned zeros stay zero."
        + " Fine-tuning defaults to --lr 1e-4: a centroid's gradient sums its members'.",
    footer = {"", "Examples:",
        "  whittle share p.wtl --bits 5 --init linear --finetune-epochs 2 --data mnist --out s.wtl",
        "  whittle share base.wtl --bits 4,fc3=6 --init density --data mnist --out s.wtl"})
final class ShareCommand implements Callable<Integer>, StepCommand {
  /**
   * The fine-tuning rate when --lr is not given. A centroid's gradient is the sum of its
   * members' (Han et al. 2016, eq. 3), thousands of them in a large layer, so the rate is a
   * hundredth of pruning's.
   */
  static final double LR = 1e-4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--bits", paramLabel = "B",
      description = "index bits, 1..16 (2^B centroids per layer): one value, per layer"
          + " (fc1=4,fc3=6), or both (4,fc3=6) (default: 5 for dense layers, 8 for convolutions,"
          + " as Deep Compression)")
  String bits;

  @Option(names = "--init", paramLabel = "I", defaultValue = "linear",
      description = "centroid initialization: linear, density or random"
          + " (default: ${DEFAULT-VALUE})")
  String init;

  @Option(names = "--biases",
      description = "share each layer's bias too, where that makes it smaller (beyond the paper,"
          + " which leaves biases out of its counts; the deep-compression recipe does it)")
  boolean biases;

  @Mixin FinetuneOption finetune;

  @Mixin ModelOutput output;
  private Path out;
  private long seed;

  @Mixin ThreadsOption threads;
  @Mixin ResumeOption resume;
  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  private KMeans.Init in;
  private ShareSpec ss;
  private TrainConfig ft;

  @Override
  public void checkOptions() {
    seed = output.seed;
    in = KMeans.Init.parse(init);
    ss = ShareSpec.parse(bits, in, seed);
    ft = train.over(finetune.defaults(seed).withLr(LR));
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
    List<Sharing.Layer> layers = new java.util.ArrayList<>(Sharing.shareInPlace(model, ss));
    if (biases) {
      layers.addAll(Sharing.shareBiases(model, layers, seed));
    }
    Map<String, Object> perLayer = new LinkedHashMap<>();
    for (Sharing.Layer l : layers) {
      if (l.note() != null) {
        progress.message("share: " + l.note());
      }
      if (l.k() == 0) {
        continue; // left float
      }
      progress.message(String.format("share: %s %d bits, %,d weights in %d clusters (k-means %s"
          + " %d iterations)", l.name(), l.bits(), l.members(), l.k(),
          l.iterations() < KMeans.MAX_ITERATIONS ? "converged in" : "stopped after",
          l.iterations()));
      perLayer.put(l.name(), l.bits());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    seconds += finetune.fit(fits, ft, progress, model, split.train());
    Map<String, Object> how = new LinkedHashMap<>(); // ordered: the same bytes every time
    how.put("bits", bits == null ? "dense=" + ShareSpec.DENSE_BITS + ",conv=" + ShareSpec.CONV_BITS
        : bits);
    how.put("init", in.label());
    if (biases) {
      how.put("biases", true);
    }
    how.put("finetune_epochs", finetune.epochs);
    how.put("layers", perLayer);
    model.provenance().put("sharing", Json.compact(how));
    var metrics = Finish.save(model, split, out,
        Outputs.command("share", spec.commandLine().getParseResult().originalArgs()), seconds,
        progress.epochs());
    fits.finish();
    Finish.report(metrics, json);
    return 0;
  }
}
