package dev.whittle.nn;

import dev.whittle.InputException;
import dev.whittle.tensor.Shapes;

/**
 * The named architectures and the spec language.
 *
 * <ul>
 *   <li>{@code lenet300}: LeNet-300-100, dense 300, 100, classes with ReLU (Han et al. 2015);
 *   <li>{@code lenet5}: the Caffe variant used by Deep Compression: conv 5x5x20, max-pool 2, conv
 *       5x5x50, max-pool 2, dense 500 with ReLU, dense classes (431,080 parameters on MNIST);
 *   <li>{@code mlp:784-800-800-10}: the input size, hidden sizes and classes; hidden layers use
 *       ReLU;
 *   <li>{@code cnn:c16-mp2-c32-mp2-128-10}: tokens in order, {@code c<n>[k<k>][s<s>]} a
 *       convolution (kernel 3 by default, same padding) with ReLU, {@code mp<k>} / {@code ap<k>}
 *       max / average pooling, a number a dense layer (the last is the output).
 * </ul>
 *
 * Both spec forms also take {@code bn} (batch normalization after the preceding layer, before
 * its ReLU) and {@code drop<p>} (dropout).
 */
public final class Architectures {
  public static final String NAMES = "lenet300, lenet5, mlp:784-800-800-10, cnn:c16-mp2-c32-mp2-128-10";

  private Architectures() {}

  public static Model build(String spec, int[] inputShape, int classes, long seed) {
    Model m;
    if (spec.equals("lenet300")) {
      m = new SequentialBuilder(inputShape, seed)
          .dense(300, true).relu().dense(100, true).relu().dense(classes, false).build();
    } else if (spec.equals("lenet5")) {
      m = new SequentialBuilder(inputShape, seed)
          .conv(20, 5, 1, 0).maxPool(2).conv(50, 5, 1, 0).maxPool(2)
          .dense(500, true).relu().dense(classes, false).build();
    } else if (spec.startsWith("mlp:") || spec.startsWith("cnn:")) {
      m = parse(spec, inputShape, classes, seed);
    } else {
      throw new InputException("--model: unknown model '" + spec + "'; expected one of " + NAMES);
    }
    m.provenance().put("architecture", spec);
    return m;
  }

  private static Model parse(String spec, int[] inputShape, int classes, long seed) {
    boolean mlp = spec.startsWith("mlp:");
    String[] tokens = spec.substring(4).split("-", -1);
    SequentialBuilder b = new SequentialBuilder(inputShape, seed);
    int last = tokens.length - 1;
    while (last >= 0 && !isNumber(tokens[last])) {
      last--;
    }
    if (last < (mlp ? 1 : 0)) {
      throw bad(spec, "it must end with the number of classes");
    }
    int start = 0;
    if (mlp) {
      int in = number(spec, tokens[0]);
      long features = Shapes.size(inputShape);
      if (in != features) {
        throw bad(spec, "it starts with " + in + " inputs but the data has " + features
            + " features per sample (" + Shapes.format(inputShape) + ")");
      }
      start = 1;
    }
    int out = number(spec, tokens[last]);
    if (out != classes) {
      throw bad(spec, "it ends with " + out + " outputs but the data has " + classes + " classes");
    }
    boolean pendingRelu = false;
    for (int t = start; t < tokens.length; t++) {
      String tok = tokens[t];
      if (tok.equals("bn")) {
        b.batchNorm();
        continue;
      }
      if (pendingRelu) {
        b.relu();
        pendingRelu = false;
      }
      try {
        if (isNumber(tok)) {
          boolean output = t == last;
          b.dense(number(spec, tok), !output);
          pendingRelu = !output;
        } else if (!mlp && tok.matches("c\\d+(k\\d+)?(s\\d+)?")) {
          int n = Integer.parseInt(tok.replaceAll("^c(\\d+).*", "$1"));
          int k = tok.contains("k") ? Integer.parseInt(tok.replaceAll(".*k(\\d+).*", "$1")) : 3;
          int s = tok.contains("s") ? Integer.parseInt(tok.replaceAll(".*s(\\d+)$", "$1")) : 1;
          b.conv(n, k, s, k / 2);
          pendingRelu = true;
        } else if (!mlp && tok.matches("(mp|ap)\\d+")) {
          int k = Integer.parseInt(tok.substring(2));
          if (tok.startsWith("mp")) {
            b.maxPool(k);
          } else {
            b.avgPool(k);
          }
        } else if (tok.matches("drop0?\\.\\d+")) {
          b.dropout(Float.parseFloat(tok.substring(4)));
        } else {
          throw bad(spec, "unknown token '" + tok + "'");
        }
      } catch (NumberFormatException e) {
        throw bad(spec, "bad number in '" + tok + "'");
      } catch (InputException e) {
        if (e.getMessage().startsWith("--model")) {
          throw e;
        }
        throw bad(spec, "at '" + tok + "': " + e.getMessage());
      }
    }
    return b.build();
  }

  private static boolean isNumber(String s) {
    return s.matches("\\d+");
  }

  private static int number(String spec, String tok) {
    if (!isNumber(tok) || tok.length() > 9 || Integer.parseInt(tok) == 0) {
      throw bad(spec, "expected a positive size, got '" + tok + "'");
    }
    return Integer.parseInt(tok);
  }

  private static InputException bad(String spec, String why) {
    return new InputException("--model " + spec + ": " + why);
  }
}
