package dev.whittle.cli;

import dev.whittle.data.Split;
import dev.whittle.eval.Json;
import dev.whittle.eval.Metrics;
import dev.whittle.eval.ModelStats;
import dev.whittle.eval.StepHistory;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Model;
import dev.whittle.train.EpochStats;
import dev.whittle.train.Evaluation;
import dev.whittle.train.Loss;
import dev.whittle.train.Progress;
import dev.whittle.train.TrainConfig;
import dev.whittle.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a model with a checkpoint after every epoch, then evaluates it on the test split,
 * records provenance and saves it. A crash leaves the last checkpoint; {@code resume} continues
 * from it to the same final weights.
 */
final class TrainingSession {
  private TrainingSession() {}

  /** The trained model, its metrics, and the training wall time. */
  record Result(Model model, Metrics metrics, double seconds) {}

  static Path checkpointFor(Path out) {
    return out.resolveSibling(out.getFileName() + ".ckpt");
  }

  static Result run(Model model, Split data, TrainConfig cfg, Path out, Path checkpoint,
      boolean resume, String command, Progress progress) {
    ResumableFits fits = new ResumableFits(checkpoint, resume, progress);
    Trainer.Result r = fits.fit(new Trainer(cfg, progress), model, data.train());
    Evaluation.Result test = Evaluation.run(model, data.test(), Loss.crossEntropy(), 256);
    Map<String, String> prov = model.provenance();
    prov.put("command", command);
    prov.put("dataset", data.train().name().replaceAll("/.*", ""));
    prov.put("dataset_sha256", data.checksum());
    prov.put("seed", Long.toString(cfg.seed()));
    prov.put("train_config", Json.compact(configMap(cfg)));
    prov.put("curve", curveJson(r.curve()));
    StepHistory.record(prov, command, r.seconds(), r.curve());
    prov.put("accuracy", Double.toString(test.accuracy()));
    prov.put("test_samples", Integer.toString(test.samples()));
    ModelFile.save(model, out);
    fits.finish();
    long bytes = out.toFile().length();
    Metrics metrics = ModelStats.of(model, out.getFileName().toString(), prov.get("dataset"),
        test.accuracy(), test.samples(), bytes, r.seconds());
    return new Result(model, metrics, r.seconds());
  }

  static String curveJson(List<EpochStats> curve) {
    List<String> rows = new ArrayList<>();
    for (EpochStats s : curve) {
      rows.add(s.toJson());
    }
    return "[" + String.join(",", rows) + "]";
  }

  static Map<String, Object> configMap(TrainConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", c.epochs());
    m.put("batch", c.batchSize());
    m.put("optimizer", c.optimizer());
    m.put("lr", c.lr());
    m.put("momentum", c.momentum());
    m.put("weight_decay", c.weightDecay());
    m.put("l1", c.l1());
    m.put("l2", c.l2());
    m.put("schedule", c.schedule());
    m.put("warmup", c.warmupEpochs());
    m.put("validation", c.validation());
    m.put("patience", c.patience());
    m.put("loss", c.loss());
    return m;
  }
}
