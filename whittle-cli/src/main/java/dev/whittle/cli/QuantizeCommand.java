package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.compress.quantize.QuantSpec;
import dev.whittle.compress.quantize.Quantization;
import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.nn.Model;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code whittle quantize}: integer, binary, ternary and 0/1 weights. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = "Quantize a model: post-training static (calibrated) or dynamic int8..int2,"
        + " quantization-aware training, or binary, ternary and 0/1 (logic) weights; saves the"
        + " weights packed at their bit width.",
    footer = {"", "Examples:",
        "  whittle quantize base.wtl --bits 8 --mode ptq --per-channel"
            + " --calibration percentile:99.99 --data mnist --out q.wtl",
        "  whittle quantize base.wtl --bits 4 --mode qat --finetune-epochs 2 --data mnist --out q4.wtl",
        "  whittle quantize base.wtl --bits fc1=4,fc2=4,fc3=8 --mode ptq --data mnist --out mixed.wtl",
        "  whittle quantize base.wtl --mode ternary --finetune-epochs 2 --data mnist --out t.wtl"})
final class QuantizeCommand implements Callable<Integer>, StepCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "a .wtl or .onnx file")
  Path file;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "ptq",
      description = "ptq, dynamic, qat, binary, ternary or logic (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--bits", paramLabel = "B", defaultValue = "8",
      description = "weight bits, 2..8: one value, per layer (fc1=4,fc3=8), or both (4,fc3=8);"
          + " the first and last layers stay at 8 unless named (default: ${DEFAULT-VALUE})")
  String bits;

  @Option(names = "--act-bits", paramLabel = "B",
      description = "bits of the layers' inputs (default: each layer's weight bits)")
  Integer actBits;

  @Option(names = "--per-channel", paramLabel = "LAYERS", arity = "0..1", fallbackValue = "*",
      description = "a weight scale per output channel, for every layer or the named ones"
          + " (fc1,fc2); default: one per layer")
  String perChannel;

  @Option(names = "--asymmetric", description = "weights with a zero point (default: symmetric)")
  boolean asymmetric;

  @Option(names = "--calibration", paramLabel = "C", defaultValue = "minmax",
      description = "ptq: minmax, percentile[:P] (P default 99.99), mse or entropy"
          + " (default: ${DEFAULT-VALUE})")
  String calibration;

  @Option(names = "--calibration-samples", paramLabel = "N", defaultValue = "1000",
      description = "ptq: training samples to calibrate on (default: ${DEFAULT-VALUE})")
  int calibrationSamples;

  @Option(names = "--binary-activations",
      description = "binary mode: binarize the hidden layers' inputs too (XNOR-popcount)")
  boolean binaryActivations;

  @Option(names = "--quantize-edges",
      description = "quantize the first and last layers as asked too (default: they stay at 8"
          + " bits when fewer are asked for)")
  boolean quantizeEdges;

  @Option(names = "--finetune-epochs", paramLabel = "N",
      description = "qat, binary, ternary, logic: epochs of training (default: 2)")
  Integer finetuneEpochs;

  @Mixin ModelOutput output;
  private Path out;
  private long seed;

  @Mixin ThreadsOption threads;
  @Mixin ResumeOption resume;
  @Mixin DataOptions data;
  @Mixin TrainOptions train;
  @Mixin JsonOption json;

  private QuantSpec qs;
  private int epochs;
  private TrainConfig ft;

  @Override
  public void checkOptions() {
    seed = output.seed;
    QuantSpec.Mode m = QuantSpec.Mode.parse(mode);
    Map<String, Integer> parsed = QuantSpec.parseBits(bits);
    int def = parsed.remove("");
    if (m.uniform() && def == 1) {
      throw new InputException("--bits 1 needs --mode binary");
    }
    Set<String> channelLayers = new LinkedHashSet<>();
    boolean allChannels = "*".equals(perChannel);
    if (perChannel != null && !allChannels) {
      for (String s : perChannel.split(",")) {
        if (!s.isBlank()) {
          channelLayers.add(s.trim());
        }
      }
    }
    if (calibrationSamples < 1) {
      throw new InputException("--calibration-samples must be at least 1, got " + calibrationSamples);
    }
    if (m == QuantSpec.Mode.PTQ) {
      // Reject an unknown calibrator before any work.
      dev.whittle.compress.quantize.Calibrator.parse(calibration, 8, false, false);
    } else if (spec.commandLine().getParseResult().hasMatchedOption("--calibration")) {
      throw new InputException("--calibration applies to --mode ptq only");
    }
    if (binaryActivations && m != QuantSpec.Mode.BINARY) {
      throw new InputException("--binary-activations needs --mode binary");
    }
    epochs = finetuneEpochs != null ? finetuneEpochs : m.trains() ? 2 : 0;
    if (epochs < 0) {
      throw new InputException("--finetune-epochs must be at least 0, got " + epochs);
    }
    if (!m.trains() && epochs > 0) {
      throw new InputException("--finetune-epochs applies to qat, binary, ternary and logic;"
          + " --mode " + mode + " does not train");
    }
    qs = new QuantSpec(m, def, parsed, actBits == null ? 0 : actBits, allChannels,
        channelLayers, !asymmetric, calibration, calibrationSamples, binaryActivations, quantizeEdges);
    ft = train.over(TrainConfig.finetuneDefaults(Math.max(1, epochs), seed));
  }

  @Override
  public Integer call() {
    out = output.checked();
    json.check();
    checkOptions();
    QuantSpec.Mode m = qs.mode();
    threads.apply();
    Model source = ModelSource.load(file);
    Split split = data.load();
    Inputs.checkCompatible(source, file, split, data.name);
    Progress progress = Progress.stderr();
    ResumableFits fits = resume.fits(out, progress);
    Quantization.Prepared p = Quantization.prepare(source, qs);
    Model model = p.model();
    p.notes().forEach(n -> progress.message("quantize: " + n));
    double seconds = 0;
    if (m == QuantSpec.Mode.PTQ) {
      long t0 = System.nanoTime();
      Quantization.calibrate(model, split.train(), qs, ft.batchSize());
      seconds = (System.nanoTime() - t0) / 1e9;
    } else if (epochs > 0) {
      progress.message("quantize: training " + epochs + " epochs with " + mode + " weights");
      seconds = fits.fit(new Trainer(ft.withEpochs(epochs), progress), model, split.train())
          .seconds();
    }
    Quantization.freeze(model);
    Map<String, Object> how = new LinkedHashMap<>();
    how.put("mode", mode);
    how.put("bits", bits);
    how.put("per_channel", perChannel == null ? "" : perChannel);
    how.put("symmetric", !asymmetric);
    if (m == QuantSpec.Mode.PTQ) {
      how.put("calibration", calibration);
      how.put("calibration_samples", calibrationSamples);
    }
    how.put("finetune_epochs", epochs);
    how.put("layers", new LinkedHashMap<String, Object>(p.layers()));
    model.provenance().put("quantization", Json.compact(how));
    var metrics = Finish.save(model, split, out,
        Outputs.command("quantize", spec.commandLine().getParseResult().originalArgs()), seconds,
        progress.epochs());
    fits.finish();
    p.notes().forEach(n -> System.out.println("note: " + n));
    Finish.report(metrics, json);
    return 0;
  }
}
