package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.io.ModelFile;
import dev.whittle.nn.Architectures;
import dev.whittle.nn.Model;
import dev.whittle.nn.Parameter;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** whittle import and export, and .onnx files given to the commands that read models. */
class OnnxCommandsTest {
  @TempDir static Path dir;
  static Path wtl;

  @BeforeAll
  static void model() {
    wtl = dir.resolve("base.wtl");
    Model m = Architectures.build("cnn:c8-bn-mp2-c8-16-10", new int[] {1, 8, 8}, 10, 3);
    ModelFile.save(m, wtl);
  }

  static Path export(String name) {
    Path out = dir.resolve(name);
    CliRun r = CliRun.of("export", wtl.toString(), "--format", "onnx", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    return out;
  }

  @Test
  void exportThenImportGivesTheSameWeights() throws IOException {
    Path onnx = dir.resolve("m.onnx");
    Path json = dir.resolve("export.json");
    CliRun e = CliRun.of("export", wtl.toString(), "--format", "onnx", "--out", onnx.toString(),
        "--json", json.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("m.onnx: ONNX opset 17, input (N, 1, 8, 8), output (N, 10)"),
        e.out());
    assertTrue(Files.readString(json).contains("\"model\": \"m.onnx\""));
    assertTrue(Files.size(onnx) > 0);

    Path back = dir.resolve("back.wtl");
    Path json2 = dir.resolve("import.json");
    CliRun i = CliRun.of("import", onnx.toString(), "--out", back.toString(), "--json",
        json2.toString());
    assertEquals(0, i.code(), i.err());
    for (String s : List.of("conv1", "bn1", "pool1", "fc2", "dense", "input 1x8x8", "back.wtl")) {
      assertTrue(i.out().contains(s), "summary mentions " + s + ":\n" + i.out());
    }
    assertTrue(Files.readString(json2).contains("\"params\""));
    Map<String, Parameter> a = ModelFile.load(wtl).graph().parameters();
    Model b = ModelFile.load(back);
    assertEquals(a.keySet(), b.graph().parameters().keySet());
    a.forEach((k, p) -> assertArrayEquals(p.latent().data(),
        b.graph().parameters().get(k).latent().data(), k));
    assertEquals("whittle import m.onnx --out back.wtl --json import.json",
        b.provenance().get("command"));
  }

  @Test
  void commandsThatReadAModelTakeOnnx() {
    Path onnx = export("read.onnx");
    CliRun info = CliRun.of("info", onnx.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("conv1"), info.out());
    CliRun eval = CliRun.of("eval", onnx.toString(), "--data", "digits");
    assertEquals(0, eval.code(), eval.err());
    CliRun again = CliRun.of("export", onnx.toString(), "--out", dir.resolve("again.onnx")
        .toString());
    assertEquals(0, again.code(), again.err());
  }

  @Test
  void helpHasAnExample() {
    for (String cmd : List.of("import", "export")) {
      CliRun r = CliRun.of(cmd, "--help");
      assertEquals(0, r.code());
      assertTrue(r.out().contains("Example:") && r.out().contains("whittle " + cmd), r.out());
    }
  }

  static void assertBad(String mustMention, Path out, String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    String msg = Arrays.stream(r.err().split("\n")).filter(l -> l.startsWith("whittle "))
        .findFirst().orElse("");
    assertTrue(msg.contains(mustMention), "'" + msg + "' should mention " + mustMention);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
  }

  @Test
  void badFilesExitWithCode2() throws IOException {
    Path out = dir.resolve("never.wtl");
    Path text = dir.resolve("text.onnx");
    Files.writeString(text, "hello, this is not a model\n");
    assertBad("text.onnx", out, "import", text.toString(), "--out", out.toString());
    Path good = export("good.onnx");
    byte[] bytes = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.onnx");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    assertBad("truncated", out, "import", cut.toString(), "--out", out.toString());
    assertBad("cut.onnx", out, "info", cut.toString());

    ModelProto m = ModelProto.parseFrom(bytes);
    ModelProto.Builder missing = m.toBuilder();
    missing.getGraphBuilder().removeInitializer(0);
    Path noInit = dir.resolve("noinit.onnx");
    Files.write(noInit, missing.build().toByteArray());
    assertBad("missing initializer", out, "import", noInit.toString(), "--out", out.toString());

    ModelProto.Builder wrong = m.toBuilder();
    var w = wrong.getGraph().getInitializer(0);
    wrong.getGraphBuilder().setInitializer(0, w.toBuilder().setDims(1, w.getDims(1) + 1)
        .setRawData(com.google.protobuf.ByteString.copyFrom(
            new byte[w.getRawData().size() / (int) w.getDims(1) * (int) (w.getDims(1) + 1)])));
    Path shape = dir.resolve("shape.onnx");
    Files.write(shape, wrong.build().toByteArray());
    assertBad("node 'conv1' (Conv): weight 'conv1.weight' has shape (8, 2, 3, 3)", out,
        "import", shape.toString(), "--out", out.toString());

    ModelProto.Builder odd = m.toBuilder();
    NodeProto first = odd.getGraph().getNode(0);
    odd.getGraphBuilder().setNode(0, first.toBuilder().setOpType("DeformConv"));
    Path unsupported = dir.resolve("odd.onnx");
    Files.write(unsupported, odd.build().toByteArray());
    assertBad("'DeformConv' is not supported", out, "import", unsupported.toString(), "--out",
        out.toString());

    ModelProto.Builder loop = m.toBuilder();
    NodeProto conv = loop.getGraph().getNode(0);
    String last = loop.getGraph().getNode(loop.getGraph().getNodeCount() - 2).getOutput(0);
    loop.getGraphBuilder().setNode(0, conv.toBuilder().setInput(0, last));
    Path cycle = dir.resolve("cycle.onnx");
    Files.write(cycle, loop.build().toByteArray());
    assertBad("cycle", out, "import", cycle.toString(), "--out", out.toString());

    assertBad("limit of 100 bytes", out, "import", good.toString(), "--out", out.toString(),
        "--max-bytes", "100");
    assertBad("no such file", out, "import", dir.resolve("nope.onnx").toString(), "--out",
        out.toString());
    Path onnxOut = dir.resolve("never.onnx");
    assertBad("--format must be onnx", onnxOut, "export", wtl.toString(), "--format", "tflite",
        "--out", onnxOut.toString());
    assertBad("does not exist", onnxOut, "export", wtl.toString(), "--out",
        dir.resolve("no/such/folder/x.onnx").toString());
  }
}
