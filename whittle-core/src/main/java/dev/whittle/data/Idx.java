package dev.whittle.data;

import dev.whittle.InputException;
import dev.whittle.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic ({@code
 * 0x00000803} for unsigned-byte images {@code (n, rows, cols)}, {@code 0x00000801} for
 * unsigned-byte labels {@code (n)}), the dimensions as big-endian u32, then the bytes. A file
 * may be raw or gzip; gzip is recognised by its {@code 1f 8b} header, not by the name.
 *
 * <p>Every size the header claims is checked against what the file really holds before
 * anything of that size is allocated, so a corrupt or hostile header produces an {@link
 * InputException} rather than an out-of-memory error. Files with bytes after the declared data
 * are rejected too: that means the header does not describe the file.
 */
public final class Idx {
  /** Magic of an unsigned-byte 3-D file: images {@code (n, rows, cols)}. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic of an unsigned-byte 1-D file: labels {@code (n)}. */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Largest body this reader accepts: the largest Java byte array. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private Idx() {}

  /** Images as stored: {@code n * rows * cols} unsigned bytes, and the content's SHA-256. */
  record Images(int n, int rows, int cols, byte[] pixels, String sha256) {}

  /** Labels as stored: {@code n} unsigned bytes, and the content's SHA-256. */
  record Labels(int n, byte[] labels, String sha256) {}

  /** A pair read from files with the SHA-256 of each file's (decompressed) content. */
  record Loaded(Dataset data, String imagesSha256, String labelsSha256) {}

  /**
   * Reads an image file and its label file into a data set of sample shape {@code (1, rows,
   * cols)}, pixels divided by 255 into {@code [0, 1]}.
   *
   * @param images an IDX image file (magic 2051), raw or gzip
   * @param labels an IDX label file (magic 2049) with one label per image, raw or gzip
   * @param name the data set's name
   * @param classes the number of classes: every label must be in {@code [0, classes)}
   * @throws InputException if a file is missing, malformed, truncated, the counts differ or a
   *     label is out of range
   */
  public static Dataset readPair(Path images, Path labels, String name, int classes) {
    if (classes < 1) {
      throw new InputException("classes must be >= 1, got " + classes);
    }
    return readPairWithDigests(images, labels, name, classes).data();
  }

  /**
   * Reads an image file alone as an unlabelled data set of sample shape {@code (1, rows,
   * cols)}, pixels divided by 255.
   *
   * @throws InputException if the file is missing, malformed or truncated
   */
  public static Dataset readImages(Path images, String name) {
    Images im = readImageFile(images);
    return new Dataset(name, toFloats(im.pixels()), null, im.n(), shape(im), 0);
  }

  /**
   * Like {@link #readPair} but also returns the content digests; {@code classes <= 0} means
   * "the largest label + 1".
   */
  static Loaded readPairWithDigests(Path images, Path labels, String name, int classes) {
    Labels lb = readLabelFile(labels);
    Images im = readImageFile(images);
    if (lb.n() != im.n()) {
      throw new InputException(
          labels + ": " + lb.n() + " labels but " + im.n() + " images in " + images);
    }
    int[] y = new int[lb.n()];
    int max = -1;
    for (int i = 0; i < y.length; i++) {
      y[i] = lb.labels()[i] & 0xff;
      max = Math.max(max, y[i]);
      if (classes > 0 && y[i] >= classes) {
        throw new InputException(
            labels
                + ": label "
                + y[i]
                + " at index "
                + i
                + " out of range [0, "
                + classes
                + ")");
      }
    }
    int k = classes > 0 ? classes : Math.max(1, max + 1);
    Dataset d = new Dataset(name, toFloats(im.pixels()), y, im.n(), shape(im), k);
    return new Loaded(d, im.sha256(), lb.sha256());
  }

  private static int[] shape(Images im) {
    return new int[] {1, im.rows(), im.cols()};
  }

  private static float[] toFloats(byte[] pixels) {
    float[] x = new float[pixels.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (pixels[i] & 0xff) / 255f;
    }
    return x;
  }

  /** Reads and checks an IDX image file. */
  static Images readImageFile(Path file) {
    return read(file, Idx::parseImages);
  }

  /** Reads and checks an IDX label file. */
  static Labels readLabelFile(Path file) {
    return read(file, Idx::parseLabels);
  }

  private static Images parseImages(InputStream in, Source file) throws IOException {
    String what = file.what();
    byte[] h = header(in, 16, "image", what);
    checkMagic(h, IMAGES_MAGIC, what);
    long n = u32(h, 4);
    long rows = u32(h, 8);
    long cols = u32(h, 12);
    if (rows < 1 || cols < 1) {
      throw new InputException(
          what + ": bad image size " + rows + "x" + cols + ", expected rows and cols >= 1");
    }
    BigInteger claimed =
        BigInteger.valueOf(n).multiply(BigInteger.valueOf(rows)).multiply(BigInteger.valueOf(cols));
    String claim =
        "header claims " + n + " images of " + rows + "x" + cols + " (" + claimed + " bytes)";
    byte[] body = body(in, file, 16, claimed, claim);
    return new Images((int) n, (int) rows, (int) cols, body, file.sha256());
  }

  private static Labels parseLabels(InputStream in, Source file) throws IOException {
    String what = file.what();
    byte[] h = header(in, 8, "label", what);
    checkMagic(h, LABELS_MAGIC, what);
    long n = u32(h, 4);
    BigInteger claimed = BigInteger.valueOf(n);
    String claim = "header claims " + n + " labels (" + n + " bytes)";
    byte[] body = body(in, file, 8, claimed, claim);
    return new Labels((int) n, body, file.sha256());
  }

  /**
   * The file being read: its name for messages, whether it is gzip, its length on disk and the
   * digest of the content read so far.
   */
  private record Source(String what, boolean gz, long length, MessageDigest md) {
    /** The SHA-256 of the content read so far (the whole of it, once the body is read). */
    String sha256() {
      return DataIo.hex(md.digest());
    }
  }

  /** Parses an IDX file's content from a stream that digests it. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(InputStream content, Source file) throws IOException;
  }

  /** Opens {@code file} (gzip or raw) and hands its digested content to {@code parser}. */
  private static <T> T read(Path file, Parser<T> parser) {
    String what = file.toString();
    boolean gz = DataIo.isGzip(file);
    long fileLength = size(file);
    MessageDigest md = DataIo.sha256();
    try (InputStream in = new DigestInputStream(DataIo.openContent(file), md)) {
      return parser.parse(in, new Source(what, gz, fileLength, md));
    } catch (IOException e) {
      throw DataIo.readError(what, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw DataIo.readError(file.toString(), e);
    }
  }

  private static byte[] header(InputStream in, int length, String kind, String what)
      throws IOException {
    byte[] h = new byte[length];
    int got = DataIo.readUpTo(in, h, 0, length);
    if (got >= 4) {
      checkMagic(h, kind.equals("image") ? IMAGES_MAGIC : LABELS_MAGIC, what);
    }
    if (got < length) {
      throw new InputException(
          what
              + ": truncated header: an IDX "
              + kind
              + " file starts with "
              + length
              + " bytes, got "
              + got);
    }
    return h;
  }

  private static void checkMagic(byte[] h, int expected, String what) {
    int magic = (int) u32(h, 0);
    if (magic != expected) {
      String hint = "";
      if (magic == LABELS_MAGIC) {
        hint = " (that is an IDX label file)";
      } else if (magic == IMAGES_MAGIC) {
        hint = " (that is an IDX image file)";
      } else if ((magic & 0xffff0000) == 0x1f8b0000) {
        hint = " (gzip data inside gzip?)";
      }
      throw new InputException(what + ": expected magic " + expected + ", got " + magic + hint);
    }
  }

  private static long u32(byte[] b, int off) {
    return ((b[off] & 0xffL) << 24)
        | ((b[off + 1] & 0xffL) << 16)
        | ((b[off + 2] & 0xffL) << 8)
        | (b[off + 3] & 0xffL);
  }

  /**
   * Reads exactly {@code claimed} bytes and checks that nothing follows. For a raw file the
   * claim is checked against the file length before anything is allocated; for gzip (whose
   * decompressed size is unknown) the buffer grows only as data actually arrives.
   */
  private static byte[] body(
      InputStream in, Source file, int headerLength, BigInteger claimed, String claim)
      throws IOException {
    String what = file.what();
    boolean gz = file.gz();
    long rawRemaining = file.length() - headerLength;
    IntFunction<InputException> truncated =
        got -> new InputException(what + ": truncated: " + claim + " but only " + got + " remain");
    if (!gz && claimed.compareTo(BigInteger.valueOf(rawRemaining)) > 0) {
      throw truncated.apply((int) Math.min(rawRemaining, Integer.MAX_VALUE));
    }
    if (claimed.compareTo(BigInteger.valueOf(MAX_BYTES)) > 0) {
      if (gz) {
        // Tell a truncated file from a merely huge one without keeping the data.
        long got = DataIo.skipUpTo(in, MAX_BYTES + 1);
        if (got <= MAX_BYTES) {
          throw truncated.apply((int) got);
        }
      }
      throw new InputException(
          what + ": too large: " + claim + "; at most " + MAX_BYTES + " bytes are supported");
    }
    // Each byte becomes a float (pixels) or an int (labels); a gzip file does not pay for them.
    Limits.checkTensor(what, claimed.longValueExact(), Float.BYTES);
    int len = claimed.intValueExact();
    byte[] buf = new byte[gz ? Math.min(len, 1 << 20) : len];
    int got = 0;
    while (got < len) {
      if (got == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(len, 2L * buf.length));
      }
      int r = in.read(buf, got, buf.length - got);
      if (r < 0) {
        throw truncated.apply(got);
      }
      got += r;
    }
    if (in.read() >= 0) {
      String extra = gz ? "more data follows" : (rawRemaining - len) + " more bytes follow";
      throw new InputException(
          what + ": " + claim + " but " + extra + "; expected the file to end there");
    }
    return buf;
  }
}
