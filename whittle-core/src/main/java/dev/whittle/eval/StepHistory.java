package dev.whittle.eval;

import dev.whittle.InputException;
import dev.whittle.train.EpochStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The steps that made a model (train, prune, share, ...), as its provenance records them: one
 * line per step under each of three keys, so the lines of one step line up.
 *
 * <pre>
 * commands      the command of each step
 * step_seconds  the wall time each step spent training or fine-tuning ("-": not recorded)
 * step_curves   each step's training curve, a JSON array of epochs ("[]": none)
 * </pre>
 *
 * The training time of a model is the sum over its steps; a file written before the times were
 * recorded has none, and its time is unknown rather than zero.
 */
public final class StepHistory {
  public static final String COMMANDS = "commands";
  public static final String SECONDS = "step_seconds";
  public static final String CURVES = "step_curves";
  private static final String UNKNOWN = "-";

  private StepHistory() {}

  /** One epoch of a step's curve, numbered from 0 across all the steps of a model. */
  public record Epoch(int step, int index, double trainLoss, double trainAccuracy,
      double valLoss, double valAccuracy) {}

  /** Appends a step to {@code provenance}. */
  public static void record(Map<String, String> provenance, String command, double seconds,
      List<EpochStats> curve) {
    List<String> commands = lines(provenance, COMMANDS);
    int before = commands.size();
    List<String> times = padded(lines(provenance, SECONDS), before, UNKNOWN);
    List<String> curves = padded(lines(provenance, CURVES), before, "[]");
    commands.add(command.replace('\n', ' '));
    times.add(String.format(Locale.ROOT, "%.3f", seconds));
    List<String> rows = new ArrayList<>();
    for (EpochStats s : curve) {
      rows.add(s.toJson());
    }
    curves.add("[" + String.join(",", rows) + "]");
    provenance.put(COMMANDS, String.join("\n", commands));
    provenance.put(SECONDS, String.join("\n", times));
    provenance.put(CURVES, String.join("\n", curves));
  }

  /** The summed training time of every step, or null when a step's time was not recorded. */
  public static Double trainSeconds(Map<String, String> provenance) {
    List<String> commands = lines(provenance, COMMANDS);
    List<String> times = lines(provenance, SECONDS);
    if (times.isEmpty() || times.size() != commands.size()) {
      return null;
    }
    double sum = 0;
    for (String t : times) {
      try {
        double v = Double.parseDouble(t);
        if (!(v >= 0)) {
          return null;
        }
        sum += v;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return sum;
  }

  /** Every recorded epoch of every step, in order; malformed curves are an InputException. */
  public static List<Epoch> curve(Map<String, String> provenance) {
    List<Epoch> out = new ArrayList<>();
    List<String> curves = lines(provenance, CURVES);
    for (int step = 0; step < curves.size(); step++) {
      Object parsed;
      try {
        parsed = JsonReader.parse(curves.get(step));
      } catch (InputException e) {
        throw new InputException("provenance " + CURVES + " line " + (step + 1) + ": "
            + e.getMessage());
      }
      if (!(parsed instanceof List<?> rows)) {
        throw new InputException("provenance " + CURVES + " line " + (step + 1)
            + ": expected a JSON array");
      }
      for (Object row : rows) {
        if (!(row instanceof Map<?, ?> m)) {
          throw new InputException("provenance " + CURVES + " line " + (step + 1)
              + ": expected epochs as JSON objects");
        }
        out.add(new Epoch(step, out.size(), num(m.get("train_loss")),
            num(m.get("train_accuracy")), num(m.get("val_loss")), num(m.get("val_accuracy"))));
      }
    }
    return out;
  }

  /** The commands of the steps, first to last. */
  public static List<String> commands(Map<String, String> provenance) {
    return lines(provenance, COMMANDS);
  }

  private static double num(Object v) {
    return v instanceof Double d ? d : Double.NaN;
  }

  private static List<String> lines(Map<String, String> provenance, String key) {
    String v = provenance.get(key);
    return v == null || v.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(v.split("\n", -1)));
  }

  private static List<String> padded(List<String> l, int n, String filler) {
    while (l.size() < n) {
      l.add(0, filler);
    }
    while (l.size() > n) {
      l.remove(0);
    }
    return l;
  }
}
