package dev.whittle.train;

import dev.whittle.data.Augmentation;
import dev.whittle.data.Batches;
import dev.whittle.data.Dataset;
import dev.whittle.nn.Context;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.tensor.Rng;
import dev.whittle.tensor.Shapes;
import dev.whittle.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one training loop: plain training, fine-tuning after compression, quantization-aware
 * training and distillation all run here. Each step: forward, loss, backward, regularization,
 * the constraints' gradient hooks, the optimizer step, the constraints' after-step hooks.
 *
 * <p>Every random choice derives from the seed, the epoch and the batch index, so a run resumed
 * from a checkpoint (model, optimizer state, epoch) ends with the same weights as one that was
 * never interrupted.
 */
public final class Trainer {
  /** Called after every epoch with the state a checkpoint needs. */
  @FunctionalInterface
  public interface EpochListener {
    void afterEpoch(int epoch, Optimizer optimizer, List<EpochStats> curve, EarlyStop stop);
  }

  /** Called after every optimizer step, with the step's index counted from the run's start. */
  @FunctionalInterface
  public interface StepListener {
    void afterStep(long step, long totalSteps);
  }

  /** What a run produced. */
  public record Result(List<EpochStats> curve, double seconds, boolean stoppedEarly) {}

  /** The early-stopping state, saved in checkpoints. */
  public static final class EarlyStop {
    double best = Double.POSITIVE_INFINITY;
    int bad;
    Map<String, Tensor> bestWeights;

    public double best() {
      return best;
    }

    public int badEpochs() {
      return bad;
    }

    public Map<String, Tensor> bestWeights() {
      return bestWeights;
    }

    public void restore(double best, int bad, Map<String, Tensor> weights) {
      this.best = best;
      this.bad = bad;
      this.bestWeights = weights;
    }
  }

  private static final long AUGMENT_STREAM = 0x61756700L; // apart from dropout's per-batch seeds

  private final TrainConfig config;
  private final Progress progress;
  private final Loss loss;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final EarlyStop stop = new EarlyStop();
  private final List<EpochStats> curve = new ArrayList<>();
  private int startEpoch;
  private EpochListener listener = (e, o, c, s) -> {};
  private StepListener stepListener = (s, t) -> {};
  private BatchLoss batchLoss; // null: the config's loss against the labels
  private Augmentation augmentation; // null: the inputs as they are

  public Trainer(TrainConfig config, Progress progress) {
    this.config = config;
    this.progress = progress;
    this.loss = Loss.named(config.loss());
    this.optimizer = Optimizer.named(config.optimizer(), config.momentum(), config.weightDecay());
    this.schedule = Schedule.parse(config.schedule()).withWarmup(config.warmupEpochs());
  }

  /** {@link #fit}, as a {@link Fitting}. */
  static Result fitDirect(Trainer t, Model model, Dataset data) {
    return t.fit(model, data);
  }

  public Trainer onEpoch(EpochListener l) {
    this.listener = l;
    return this;
  }

  /** Runs after every step: pruning schedules raise sparsity here (Zhu and Gupta 2017). */
  public Trainer onStep(StepListener l) {
    this.stepListener = l;
    return this;
  }

  /**
   * Trains against {@code l} instead of the config's loss: targets that depend on the batch's
   * samples or inputs, such as a teacher's outputs (distillation). Validation still reports the
   * config's loss against the labels.
   */
  public Trainer withLoss(BatchLoss l) {
    this.batchLoss = l;
    return this;
  }

  /** Changes every training batch's inputs before the forward pass, seeded per batch. */
  public Trainer augment(Augmentation a) {
    this.augmentation = a;
    return this;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public EarlyStop earlyStop() {
    return stop;
  }

  /** Continues after {@code completedEpochs} epochs whose curve was {@code previous}. */
  public Trainer resumeAt(int completedEpochs, List<EpochStats> previous) {
    this.startEpoch = completedEpochs;
    this.curve.clear();
    this.curve.addAll(previous);
    return this;
  }

  /**
   * The training and validation indices (each sorted) of a training run with validation
   * {@code fraction} and {@code seed}: the last part of a seeded shuffle is held out. A later
   * step that knows a model's fraction and seed finds the samples it never trained on.
   */
  public static int[][] holdOut(int n, double fraction, long seed) {
    int[] perm = Batches.permutation(n, seed, -1);
    int nVal = Math.max(1, (int) Math.round(n * fraction));
    int[] tr = java.util.Arrays.copyOfRange(perm, 0, n - nVal);
    int[] va = java.util.Arrays.copyOfRange(perm, n - nVal, n);
    java.util.Arrays.sort(tr);
    java.util.Arrays.sort(va);
    return new int[][] {tr, va};
  }

  /**
   * Trains in place. With a validation fraction the last part of a seeded shuffle of {@code
   * data} is held out; with patience, training stops after that many epochs without a better
   * validation loss and the best weights are restored.
   */
  public Result fit(Model model, Dataset data) {
    Dataset train = data;
    Dataset val = null;
    int[] trainIndex = null; // the training samples' indices in data, when some are held out
    if (config.validation() > 0) {
      int[][] parts = holdOut(data.n(), config.validation(), config.seed());
      train = data.take(parts[0], data.name() + "/train");
      trainIndex = parts[0];
      val = data.take(parts[1], data.name() + "/validation");
    }
    Map<String, Parameter> params = model.graph().parameters();
    int n = train.n();
    int b = config.batchSize();
    int f = train.features();
    int batches = (n + b - 1) / b;
    float[] x = new float[b * f];
    int[] y = new int[b];
    long t0 = System.nanoTime();
    boolean stopped = false;
    boolean classifies = batchLoss == null || batchLoss.classifies();
    for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
      long e0 = System.nanoTime();
      int[] order = Batches.permutation(n, config.seed(), epoch);
      double lossSum = 0;
      long correct = 0;
      double lr = 0;
      for (int bi = 0; bi < batches; bi++) {
        int from = bi * b;
        int m = Math.min(b, n - from);
        Batches.gather(train, order, from, from + m, x, y);
        float[] xs = m == b ? x : java.util.Arrays.copyOf(x, m * f);
        int[] ys = m == b ? y : java.util.Arrays.copyOf(y, m);
        if (augmentation != null) {
          augmentation.applyInPlace(xs, m, train.sampleShape(),
              Rng.derive(config.seed(), epoch, bi, AUGMENT_STREAM));
        }
        Tensor in = new Tensor(Shapes.batched(m, train.sampleShape()), xs);
        Tensor out = model.forward(in, Context.train(Rng.derive(config.seed(), epoch, bi)));
        Tensor grad = Tensor.zeros(out.shape());
        double l = batchLoss == null ? loss.compute(out, ys, grad) : batchLoss.compute(
            new TrainingBatch(epoch, bi, samples(order, from, m, trainIndex), in, ys), out, grad);
        l += regularize(params);
        if (!Double.isFinite(l)) {
          throw new TrainingDivergedException("training diverged at epoch " + (epoch + 1)
              + ", batch " + (bi + 1) + ": the loss is " + l + "; lower --lr (it is "
              + config.lr() + ")" + (epoch > startEpoch ? "; the last good checkpoint is from epoch "
              + epoch : ""));
        }
        correct += classifies ? Evaluation.countCorrect(out, ys) : 0;
        model.graph().backward(grad);
        lr = config.lr() * schedule.factor(epoch + (double) bi / batches, config.epochs());
        for (Parameter p : params.values()) {
          p.constrainGradient();
        }
        optimizer.step(params, lr);
        for (Parameter p : params.values()) {
          p.afterStep();
          p.refresh();
          p.zeroGrad();
        }
        stepListener.afterStep((long) epoch * batches + bi, (long) config.epochs() * batches);
        lossSum += l * m;
        double elapsed = (System.nanoTime() - e0) / 1e9;
        int done = from + m;
        progress.batch(epoch + 1, config.epochs(), bi + 1, batches, lossSum / done,
            classifies ? (double) correct / done : Double.NaN, done / elapsed, elapsed / done * (n - done)
                + elapsed / done * n * (config.epochs() - epoch - 1));
      }
      double vLoss = Double.NaN;
      double vAcc = Double.NaN;
      if (val != null) {
        Evaluation.Result r = Evaluation.run(model, val, loss, 256);
        vLoss = r.loss();
        vAcc = r.accuracy();
      }
      EpochStats s = new EpochStats(epoch, lr, lossSum / n,
          classifies ? (double) correct / n : Double.NaN, vLoss, vAcc);
      curve.add(s);
      progress.epoch(config.epochs(), s, (System.nanoTime() - e0) / 1e9);
      if (config.patience() > 0) {
        if (vLoss < stop.best) {
          stop.best = vLoss;
          stop.bad = 0;
          stop.bestWeights = snapshot(model);
        } else if (++stop.bad >= config.patience()) {
          stopped = true;
        }
      }
      listener.afterEpoch(epoch, optimizer, List.copyOf(curve), stop);
      if (stopped) {
        progress.message("early stop after epoch " + (epoch + 1) + ": validation loss has not"
            + " improved for " + config.patience() + " epochs; restoring the best weights");
        restore(model, stop.bestWeights);
        break;
      }
    }
    return new Result(List.copyOf(curve), (System.nanoTime() - t0) / 1e9, stopped);
  }

  /** Which samples of the data given to fit are order[from, from + m). */
  private static int[] samples(int[] order, int from, int m, int[] trainIndex) {
    int[] s = java.util.Arrays.copyOfRange(order, from, from + m);
    if (trainIndex != null) {
      for (int i = 0; i < m; i++) {
        s[i] = trainIndex[s[i]];
      }
    }
    return s;
  }

  /** Adds L1 and L2 gradients to every weight and returns the penalty (Keras's definition). */
  private double regularize(Map<String, Parameter> params) {
    if (config.l1() == 0 && config.l2() == 0) {
      return 0;
    }
    float l1 = (float) config.l1();
    float l2 = (float) config.l2();
    double penalty = 0;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      if (!e.getKey().endsWith(".weight")) {
        continue;
      }
      float[] w = e.getValue().latent().data();
      float[] g = e.getValue().grad().data();
      for (int i = 0; i < w.length; i++) {
        penalty += l1 * Math.abs(w[i]) + l2 * w[i] * (double) w[i];
        g[i] += l1 * Math.signum(w[i]) + 2 * l2 * w[i];
      }
    }
    return penalty;
  }

  /** Copies of every parameter's latent value and every buffer, by full name. */
  public static Map<String, Tensor> snapshot(Model model) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    model.graph().parameters().forEach((k, p) -> m.put(k, p.latent().copy()));
    model.graph().buffers().forEach((k, t) -> m.put(k, t.copy()));
    return m;
  }

  public static void restore(Model model, Map<String, Tensor> snapshot) {
    if (snapshot == null) {
      return;
    }
    model.graph().parameters().forEach((k, p) -> {
      if (snapshot.containsKey(k)) {
        p.latent().copyFrom(snapshot.get(k));
        p.refresh();
      }
    });
    model.graph().buffers().forEach((k, t) -> {
      if (snapshot.containsKey(k)) {
        t.copyFrom(snapshot.get(k));
      }
    });
  }
}
