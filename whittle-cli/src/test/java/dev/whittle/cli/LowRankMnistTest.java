package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.compress.lowrank.RankSpec;
import dev.whittle.compress.lowrank.Svd;
import dev.whittle.io.ModelFile;
import dev.whittle.nn.Dense;
import dev.whittle.nn.Graph;
import dev.whittle.nn.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Low-rank factorization of LeNet-300-100 on the real MNIST: each factorized layer runs r (in +
 * out) multiply-adds instead of in x out, and after short fine-tuning the accuracy stays within
 * half a point of the baseline.
 */
class LowRankMnistTest {
  @TempDir Path dir;

  private Path lowrank(Path base, String name, String... extra) {
    Path out = dir.resolve(name + ".wtl");
    List<String> args = new ArrayList<>(List.of("lowrank", base.toString(), "--data", "mnist",
        "--out", out.toString(), "--json", dir.resolve(name + ".json").toString()));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    System.out.println(String.join(" ", extra) + ":\n" + r.err() + r.out());
    return out;
  }

  @Test
  void lenet300AtEnergy90KeepsItsAccuracyWithFewerMultiplyAdds() throws IOException {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path out = lowrank(base, "lr90", "--energy", "0.9", "--finetune-epochs", "2");
    // The ranks the energy rule gives, computed here from the baseline's singular values.
    Model dense = ModelFile.load(base);
    long expected = 0;
    for (Graph.Node n : dense.graph().nodes()) {
      if (n.layer() instanceof Dense d) {
        Svd svd = Svd.of(d.weight().value().data(), d.out(), d.in());
        int r = RankSpec.byEnergy(svd.s(), 0.9);
        expected += (long) r * (d.in() + d.out()) < (long) d.in() * d.out()
            ? (long) r * (d.in() + d.out()) : (long) d.in() * d.out();
      }
    }
    long macs = field(out, "macs");
    assertEquals(expected, macs);
    assertEquals(expected, ModelFile.load(out).graph().macs());
    assertTrue(macs < dense.graph().macs(), macs + " multiply-adds, dense " + dense.graph().macs());
    assertAccuracyKept(base, out);
  }

  @Test
  void lenet300AtRanks64And32KeepsItsAccuracyWithAThirdOfTheWeights() throws IOException {
    Path base = TestModels.baseline("lenet300", "mnist", 10);
    Path out = lowrank(base, "lr64", "--rank", "fc1=64,fc2=32", "--finetune-epochs", "2");
    assertEquals(64 * (784 + 300) + 32 * (300 + 100) + 100 * 10, field(out, "macs"));
    assertEquals(64 * (784 + 300) + 300 + 32 * (300 + 100) + 100 + 100 * 10 + 10,
        field(out, "params"));
    assertAccuracyKept(base, out);
  }

  private static void assertAccuracyKept(Path base, Path out) {
    double before = TestModels.accuracy(base);
    double after = TestModels.accuracy(out);
    assertTrue(after >= 0.97 && after >= before - 0.005,
        "accuracy " + after + " after factorization, " + before + " before");
  }

  private static long field(Path model, String name) {
    Path json = model.resolveSibling(model.getFileName().toString().replace(".wtl", ".json"));
    try {
      Matcher m = Pattern.compile("\"" + name + "\": ([0-9]+)").matcher(Files.readString(json));
      assertTrue(m.find(), name + " in " + json);
      return Long.parseLong(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
