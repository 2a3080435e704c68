package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.whittle.InputException;
import dev.whittle.nn.Architectures;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.StringStringEntryProto;
import dev.whittle.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad and hostile files end with an InputException whose one-line message says what is wrong. */
class OnnxBadInputTest {
  @TempDir Path dir;

  static byte[] lenet300() {
    return OnnxExporter.standard().toBytes(
        Architectures.build("lenet300", new int[] {1, 28, 28}, 10, 1));
  }

  static String fails(byte[] bytes, String... mustContain) {
    return fails(bytes, OnnxImporter.Options.defaults(), mustContain);
  }

  static String fails(byte[] bytes, OnnxImporter.Options o, String... mustContain) {
    InputException e = assertThrows(InputException.class,
        () -> OnnxImporter.fromBytes(bytes, "bad.onnx", o));
    return check(e, mustContain);
  }

  static String check(InputException e, String... mustContain) {
    String msg = e.getMessage();
    assertFalse(msg.contains("\n"), "one line: " + msg);
    assertTrue(msg.startsWith("bad.onnx") || msg.contains(".onnx"), "names the file: " + msg);
    for (String s : mustContain) {
      assertTrue(msg.contains(s), "'" + msg + "' should mention '" + s + "'");
    }
    return msg;
  }

  String failsFile(Path p, String... mustContain) {
    InputException e = assertThrows(InputException.class, () -> OnnxImporter.load(p));
    return check(e, mustContain);
  }

  @Test
  void notOnnx() throws Exception {
    fails("this is a text file, not a model\n".getBytes(), "not");
    fails(new byte[0], "empty");
    Path wtl = dir.resolve("model.onnx");
    Files.write(wtl, new byte[] {'W', 'T', 'L', '1', 0, 0, 0, 1, 9, 9, 9});
    failsFile(wtl, "model.onnx", "not");
    failsFile(dir.resolve("missing.onnx"), "no such file");
  }

  @Test
  void truncated() {
    byte[] b = lenet300();
    for (int len : new int[] {b.length / 2, b.length - 3, 5}) {
      fails(Arrays.copyOf(b, len), "truncated");
    }
  }

  @Test
  void missingInitializer() {
    ModelProto m = parse(lenet300());
    ModelProto.Builder b = m.toBuilder();
    int idx = indexOf(m, "fc2.weight");
    b.getGraphBuilder().removeInitializer(idx);
    fails(b.build().toByteArray(), "fc2", "'fc2.weight'", "missing initializer");
  }

  @Test
  void initializerOfWrongShape() {
    ModelProto m = parse(lenet300());
    ModelProto.Builder b = m.toBuilder();
    b.getGraphBuilder().setInitializer(indexOf(m, "fc3.weight"),
        G.floats("fc3.weight", new int[] {10, 300}, new float[3000]));
    fails(b.build().toByteArray(), "node 'fc3' (Gemm)", "'fc3.weight' has shape (10, 300)",
        "expected (out, 100)");
    b.getGraphBuilder().setInitializer(indexOf(m, "fc3.weight"),
        G.floats("fc3.weight", new int[] {10, 100}, new float[10]));
    fails(b.build().toByteArray(), "fc3.weight", "raw_data holds 40 bytes");
  }

  @Test
  void cycle() {
    G g = new G(13).input("x", "N", 4).output("y").random("w", 1f, 4, 4)
        .node("Add", "x, c", "a").node("MatMul", "a, w", "b").node("Relu", "b", "c")
        .node("Relu", "b", "y");
    fails(g.bytes(), "cycle", "add_0");
  }

  @Test
  void unsupportedOperator() {
    G g = new G(13).input("x", "N", 4).output("y").node("Einsum", "x, x", "y",
        G.s("equation", "bi,bi->bi"));
    String msg = fails(g.bytes(), "node 'einsum_0' (Einsum)", "'Einsum' is not supported",
        "Gemm", "Conv", "BatchNormalization");
    assertTrue(msg.contains("QuantizeLinear"));
    G custom = new G(13).input("x", "N", 4).output("y").node("Relu", "x", "y");
    ModelProto.Builder b = custom.model().toBuilder();
    b.getGraphBuilder().setNode(0, b.getGraph().getNode(0).toBuilder().setDomain("com.example"));
    fails(b.build().toByteArray(), "'com.example:Relu' is not supported");
  }

  @Test
  void unsupportedUses() {
    G conv = new G(13).input("x", "N", 2, 8, 8).output("y").random("w", 1f, 4, 1, 3, 3)
        .node("Conv", "x, w", "y", G.i("group", 2));
    fails(conv.bytes(), "group=2");
    G pads = new G(13).input("x", "N", 1, 8, 8).output("y").random("w", 1f, 4, 1, 3, 3)
        .node("Conv", "x, w", "y", G.ints("pads", 0, 0, 1, 1));
    fails(pads.bytes(), "pads [0, 0, 1, 1] differ");
    G pool = new G(13).input("x", "N", 1, 8, 8).output("y")
        .node("AveragePool", "x", "y", G.ints("kernel_shape", 2, 2), G.ints("pads", 1, 1, 1, 1));
    fails(pool.bytes(), "AveragePool", "no padding");
    G mul = new G(13).input("x", "N", 4).output("y").node("Mul", "x, x", "y");
    fails(mul.bytes(), "Mul of two activations");
    G tail = new G(13).input("x", "N", 4).output("y").random("w", 1f, 4, 4)
        .node("MatMul", "x, w", "a").node("Relu", "a", "r").init("two", new int[] {1}, 2f)
        .node("Mul", "r, two", "y");
    fails(tail.bytes(), "graph output 'y'", "scaled or shifted");
    G ls = new G(13).input("x", "N", 4).output("y").random("w", 1f, 4, 4)
        .node("MatMul", "x, w", "a").node("LogSoftmax", "a", "y");
    fails(ls.bytes(), "--strip-log-softmax");
    G two = new G(13).input("x", "N", 4).input("z", "N", 4).output("y").node("Add", "x, z", "y");
    fails(two.bytes(), "2 inputs");
    G opset = new G(8).input("x", "N", 4).output("y").node("Relu", "x", "y");
    fails(opset.bytes(), "opset 8", "9 to 21");
    G batch = new G(13).input("x", "N", 4).output("y").random("w", 1f, 4, 4)
        .node("MatMul", "x, w", "a").longs("s", new int[] {2}, 2, 8).node("Reshape", "a, s", "y");
    fails(batch.bytes(), "fixes the batch size");
  }

  @Test
  void hostileDimensionsAreRefusedBeforeAllocating() {
    G g = new G(13).input("x", "N", 4).output("y").node("MatMul", "x, w", "y");
    TensorProto huge = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 30)
        .addDims(1L << 30).setRawData(ByteString.copyFrom(new byte[16])).build();
    fails(g.tensor(huge).bytes(), "initializer 'w'", "more than the limit");
    G g1 = new G(13).input("x", "N", 4).output("y").node("MatMul", "x, w", "y");
    TensorProto wide = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 40)
        .build();
    fails(g1.tensor(wide).bytes(), "initializer 'w'", "dimension 1099511627776");
    G g2 = new G(13).input("x", "N", 4).output("y").node("MatMul", "x, w", "y");
    TensorProto lying = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
        .addDims(50_000_000).setRawData(ByteString.copyFrom(new byte[16])).build();
    fails(g2.tensor(lying).bytes(), "initializer 'w'", "800000000 bytes", "holds 16 bytes");
    G g3 = new G(13).input("x", "N", 4).output("y").node("MatMul", "x, w", "y");
    TensorProto negative = TensorProto.newBuilder().setName("w").setDataType(1).addDims(-4)
        .build();
    fails(g3.tensor(negative).bytes(), "dimension -4");
    G g4 = new G(13).input("x", "N", 4).output("y").node("MatMul", "x, w", "y");
    TensorProto empty = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
        .addDims(4).build();
    fails(g4.tensor(empty).bytes(), "no data");
  }

  @Test
  void fileSizeCeiling() throws Exception {
    byte[] b = lenet300();
    fails(b, OnnxImporter.Options.defaults().withMaxFileBytes(1000), "limit of 1000 bytes");
    Path p = dir.resolve("big.onnx");
    Files.write(p, b);
    InputException e = assertThrows(InputException.class,
        () -> OnnxImporter.load(p, OnnxImporter.Options.defaults().withMaxFileBytes(1000)));
    assertTrue(e.getMessage().startsWith("big.onnx: "), e.getMessage());
  }

  /** A model whose MatMul weight lives in an external file at {@code location}. */
  static G external(String location, long offset, long length) {
    G g = new G(13).input("x", "N", 2).output("y").node("MatMul", "x, w", "y");
    TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
        .addDims(2).setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
    if (offset >= 0) {
      t.addExternalData(StringStringEntryProto.newBuilder().setKey("offset")
          .setValue(String.valueOf(offset)));
    }
    if (length >= 0) {
      t.addExternalData(StringStringEntryProto.newBuilder().setKey("length")
          .setValue(String.valueOf(length)));
    }
    return g.tensor(t.build());
  }

  @Test
  void externalData() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.write(dir.resolve("secret.bin"), new byte[64]);
    Files.write(models.resolve("w.bin"), new byte[32]);
    Path m = models.resolve("m.onnx");
    Files.write(m, external("w.bin", 16, 16).bytes());
    OnnxImporter.load(m);
    Files.write(m, external("../secret.bin", -1, -1).bytes());
    failsFile(m, "'../secret.bin'", "outside the model's folder");
    Files.write(m, external(dir.resolve("secret.bin").toString(), -1, -1).bytes());
    failsFile(m, "absolute path");
    Files.createSymbolicLink(models.resolve("link.bin"), dir.resolve("secret.bin"));
    Files.write(m, external("link.bin", -1, -1).bytes());
    failsFile(m, "links outside");
    Files.write(m, external("w.bin", 24, -1).bytes());
    failsFile(m, "needs 16 bytes at offset 24");
    Files.write(m, external("w.bin", 0, 12).bytes());
    failsFile(m, "length is 12");
    Files.write(m, external("nope.bin", 0, -1).bytes());
    failsFile(m, "'nope.bin', which does not exist");
    fails(external("w.bin", 0, -1).bytes(), "not read from a file");
  }

  /** Flipped bytes and cut files either import or end with an InputException, nothing else. */
  @Test
  void corruptFilesNeverCrash() throws Exception {
    java.util.Random rnd = new java.util.Random(42);
    List<byte[]> originals = List.of(OnnxExporter.standard().toBytes(Models.everyKind(1)),
        Files.readAllBytes(Fixtures.dir().resolve("mlp_opset9.onnx")),
        Files.readAllBytes(Fixtures.dir().resolve("resnet_opset17.onnx")));
    int failures = 0;
    for (byte[] original : originals) {
      for (int k = 0; k < 300; k++) {
        byte[] b = original.clone();
        int flips = 1 + rnd.nextInt(3);
        for (int f = 0; f < flips; f++) {
          // Mostly the structure near the start (headers, names, dims), sometimes anywhere.
          int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(b.length, 600)) : rnd.nextInt(b.length);
          b[at] = (byte) rnd.nextInt(256);
        }
        if (k % 3 == 0) {
          b = Arrays.copyOf(b, rnd.nextInt(b.length));
        }
        try {
          OnnxImporter.fromBytes(b, "fuzz.onnx", OnnxImporter.Options.defaults());
        } catch (InputException e) {
          failures++;
          assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
      }
    }
    assertTrue(failures > 100, "most corruptions are detected: " + failures);
  }

  static ModelProto parse(byte[] b) {
    try {
      return ModelProto.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static int indexOf(ModelProto m, String init) {
    for (int i = 0; i < m.getGraph().getInitializerCount(); i++) {
      if (m.getGraph().getInitializer(i).getName().equals(init)) {
        return i;
      }
    }
    throw new AssertionError(init);
  }
}
