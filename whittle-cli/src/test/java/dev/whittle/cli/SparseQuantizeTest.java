package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantizing a pruned model keeps its file small: the int8 codes of the non-zeros are stored
 * with their positions, not a code for every weight (on the bundled digits, in seconds).
 */
class SparseQuantizeTest {
  @TempDir Path dir;

  private static void ok(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
  }

  @Test
  void aPrunedModelQuantizedToInt8IsSmallerThanThePrunedOne() throws IOException {
    Path d = dir.resolve("d.wtl");
    Path p = dir.resolve("p.wtl");
    Path q = dir.resolve("q.wtl");
    ok("train", "--model", "mlp:64-128-128-10", "--data", "digits", "--epochs", "2", "--out",
        d.toString());
    ok("prune", d.toString(), "--sparsity", "0.9", "--finetune-epochs", "1", "--data", "digits",
        "--out", p.toString());
    ok("quantize", p.toString(), "--mode", "ptq", "--bits", "8", "--data", "digits", "--out",
        q.toString());
    // 8-bit gaps beside 8-bit codes: about half the pruned file's gaps beside 32-bit floats.
    long pruned = Files.size(p);
    long quantized = Files.size(q);
    assertTrue(quantized < pruned * 2 / 3, quantized + " bytes quantized, " + pruned + " pruned");
    CliRun info = CliRun.of("info", q.toString());
    assertEquals(0, info.code(), info.err());
    for (String layer : new String[] {"fc1", "fc2", "fc3"}) {
      assertTrue(info.out().lines().anyMatch(l -> l.startsWith(layer) && l.contains("sparse int8")),
          info.out());
    }
  }
}
