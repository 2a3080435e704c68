package dev.whittle.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fixtures of scripts/onnx/make_fixtures.py, read from the test resources. */
final class Fixtures {
  private Fixtures() {}

  record Fixture(String name, int[] inputShape, int[] outputShape, boolean stripLogSoftmax) {
    Path model() {
      return dir().resolve(name + ".onnx");
    }

    float[] input() {
      return f32(dir().resolve(name + ".in.f32"));
    }

    float[] output() {
      return f32(dir().resolve(name + ".out.f32"));
    }

    int batch() {
      return inputShape[0];
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/manifest.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]+)\"");

  static List<Fixture> all() {
    List<Fixture> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir().resolve("manifest.json"))) {
        Matcher m = NAME.matcher(line);
        if (!m.find()) {
          continue;
        }
        out.add(new Fixture(m.group(1), ints(line, "input_shape"), ints(line, "output_shape"),
            line.contains("\"strip_log_softmax\": true")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static int[] ints(String line, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": \\[([0-9, ]+)\\]").matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no " + key + " in " + line);
    }
    String[] parts = m.group(1).split(",\\s*");
    int[] v = new int[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Integer.parseInt(parts[i].trim());
    }
    return v;
  }

  static float[] f32(Path p) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[b.remaining() / 4];
      b.asFloatBuffer().get(f);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
