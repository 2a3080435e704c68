package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every user mistake ends with exit code 2, a one-line message naming the file or flag, and
 * nothing written under the output name.
 */
class BadInputTest {
  @TempDir static Path dir;
  static Path good;

  static byte[] images(int magic, int n, int rows, int cols, int bodyBytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(magic);
    d.writeInt(n);
    d.writeInt(rows);
    d.writeInt(cols);
    for (int i = 0; i < bodyBytes; i++) {
      d.writeByte((i * 37) & 0xff);
    }
    return b.toByteArray();
  }

  static byte[] labels(int n, int maxLabel) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(2049);
    d.writeInt(n);
    for (int i = 0; i < n; i++) {
      d.writeByte(i % (maxLabel + 1));
    }
    return b.toByteArray();
  }

  /** A folder with a valid IDX data set of 20 training and 10 test 4x4 images. */
  static Path idxSet(String name) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.write(d.resolve("train-images-idx3-ubyte"), images(2051, 20, 4, 4, 20 * 16));
    Files.write(d.resolve("train-labels-idx1-ubyte"), labels(20, 9));
    Files.write(d.resolve("t10k-images-idx3-ubyte"), images(2051, 10, 4, 4, 10 * 16));
    Files.write(d.resolve("t10k-labels-idx1-ubyte"), labels(10, 9));
    return d;
  }

  @BeforeAll
  static void trainOne() {
    good = dir.resolve("good.wtl");
    CliRun r = CliRun.of("train", "--model", "lenet300", "--data", "digits", "--epochs", "1",
        "--out", good.toString());
    assertEquals(0, r.code(), r.err());
  }

  static void assertBad(String mustMention, String... args) {
    Path out = dir.resolve("out.wtl");
    assertFalse(Files.exists(out));
    CliRun r = CliRun.of(args);
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    String msg = r.errorLine();
    assertTrue(msg.contains(mustMention), "message '" + msg + "' should mention " + mustMention);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written under the output name");
  }

  static String[] train(String data) {
    return new String[] {"train", "--model", "lenet300", "--data", data, "--epochs", "1", "--out",
        dir.resolve("out.wtl").toString()};
  }

  @Test
  void idxWithWrongMagic() throws IOException {
    Path d = idxSet("magic");
    Files.write(d.resolve("train-images-idx3-ubyte"), images(2049, 20, 4, 4, 320));
    assertBad("train-images-idx3-ubyte", train(d.toString()));
  }

  @Test
  void truncatedIdx() throws IOException {
    Path d = idxSet("truncated");
    Files.write(d.resolve("train-images-idx3-ubyte"), images(2051, 20, 4, 4, 100));
    assertBad("train-images-idx3-ubyte", train(d.toString()));
  }

  @Test
  void labelCountNotImageCount() throws IOException {
    Path d = idxSet("count");
    Files.write(d.resolve("train-labels-idx1-ubyte"), labels(19, 9));
    assertBad("train-", train(d.toString()));
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path d = idxSet("range");
    byte[] l = labels(10, 9);
    l[8 + 3] = (byte) 200;
    Files.write(d.resolve("t10k-labels-idx1-ubyte"), l);
    assertBad("t10k-labels-idx1-ubyte", train(d.toString()));
  }

  @Test
  void csvRowOfTheWrongWidth() throws IOException {
    Path csv = dir.resolve("width.csv");
    Files.writeString(csv, "a,b,label\n1,2,0\n3,4,1\n5,1\n6,7,0\n");
    assertBad("width.csv:4", train(csv.toString()));
  }

  @Test
  void csvWithANonNumber() throws IOException {
    Path csv = dir.resolve("nan.csv");
    Files.writeString(csv, "a,b,label\n1,2,0\n3,x4,1\n");
    assertBad("nan.csv:3", train(csv.toString()));
  }

  @Test
  void wtlWithOneFlippedByte() throws IOException {
    byte[] b = Files.readAllBytes(good);
    b[b.length / 2] ^= 0x10;
    Path bad = dir.resolve("flipped.wtl");
    Files.write(bad, b);
    assertBad("flipped.wtl", "eval", bad.toString(), "--data", "digits");
  }

  @Test
  void truncatedWtl() throws IOException {
    byte[] b = Files.readAllBytes(good);
    Path bad = dir.resolve("cut.wtl");
    Files.write(bad, java.util.Arrays.copyOf(b, b.length - 100));
    assertBad("cut.wtl", "info", bad.toString());
  }

  @Test
  void wtlFromAFutureVersion() throws IOException {
    byte[] b = Files.readAllBytes(good);
    b[8] = 99; // the format version follows the 8-byte magic, little-endian
    Path bad = dir.resolve("future.wtl");
    Files.write(bad, b);
    assertBad("future.wtl", "info", bad.toString());
    assertTrue(CliRun.of("info", bad.toString()).errorLine().contains("99"));
  }

  @Test
  void unknownModelSpec() {
    assertBad("--model", "train", "--model", "resnet9000", "--data", "digits", "--epochs", "1",
        "--out", dir.resolve("out.wtl").toString());
  }

  @Test
  void zeroEpochs() {
    assertBad("--epochs", "train", "--model", "lenet300", "--data", "digits", "--epochs", "0",
        "--out", dir.resolve("out.wtl").toString());
  }

  @Test
  void outputInsideAMissingFolder() {
    Path out = dir.resolve("missing").resolve("m.wtl");
    CliRun r = CliRun.of("train", "--model", "lenet300", "--data", "digits", "--epochs", "1",
        "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errorLine().contains("missing"), r.errorLine());
    assertFalse(Files.exists(out.getParent()));
  }

  @Test
  void sparsityOutsideZeroToOne() {
    assertBad("--sparsity", "prune", good.toString(), "--sparsity", "1.2", "--data", "digits",
        "--out", dir.resolve("out.wtl").toString());
  }

  @Test
  void sparsityOverrideForALayerTheModelDoesNotHave() {
    assertBad("fc9", "prune", good.toString(), "--sparsity", "0.5,fc9=0.9", "--data", "digits",
        "--out", dir.resolve("out.wtl").toString());
  }

  @Test
  void structuredPruningThatWouldEmptyALayer() {
    assertBad("fc1", "prune", good.toString(), "--structured", "l1", "--sparsity", "fc1=0.999",
        "--data", "digits", "--out", dir.resolve("out.wtl").toString());
  }

  @Test
  void unknownDataSet() {
    assertBad("nosuchdata", train("nosuchdata"));
  }

  @Test
  void unknownFlag() {
    assertBad("--frobnicate", "train", "--frobnicate", "--model", "lenet300", "--data", "digits",
        "--out", dir.resolve("out.wtl").toString());
  }

  static String[] quantize(String... extra) {
    List<String> a = new ArrayList<>(List.of("quantize", good.toString(), "--data", "digits",
        "--out", dir.resolve("out.wtl").toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void quantizationBitsOutsideOneToEight() {
    assertBad("--bits", quantize("--bits", "9"));
    assertBad("--bits", quantize("--bits", "0"));
    assertBad("--bits fc2=12", quantize("--bits", "8,fc2=12"));
  }

  @Test
  void unknownCalibrator() {
    assertBad("--calibration", quantize("--calibration", "kl-magic"));
  }

  @Test
  void calibrationSetSmallerThanOneBatch() {
    assertBad("smaller than one batch", quantize("--calibration-samples", "10"));
  }

  @Test
  void perChannelOnALayerWithNoChannelAxis() {
    assertBad("relu1", quantize("--per-channel", "relu1"));
  }
}
