package dev.whittle.io;

import dev.whittle.InputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * part: the bytes go to {@code .name.tmp-<random>} in the same folder, are forced to the device,
 * and the temporary file is then renamed over the target ({@code ATOMIC_MOVE}, falling back to a
 * replacing move where the file system cannot rename atomically). On any failure the temporary
 * file is deleted and an existing target is left untouched.
 *
 * <p>Problems with the target (missing folder, no permission, disk full) are {@link
 * InputException}s whose message starts with the target path, for example {@code out/x.wtl:
 * folder 'out' does not exist}. A {@link RuntimeException} or {@link Error} thrown by a body
 * passes through unchanged (after the clean-up).
 */
public final class AtomicFile {
  private AtomicFile() {}

  /** Writes {@code bytes} to {@code out} atomically. */
  public static void write(Path out, byte[] bytes) {
    writeChannel(
        out,
        ch -> {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            ch.write(b);
          }
        });
  }

  /**
   * Writes what {@code body} writes to the given stream to {@code out} atomically. The stream is
   * buffered; the body need not flush or close it (closing it only flushes).
   */
  public static void write(Path out, IoConsumer<OutputStream> body) {
    writeChannel(
        out,
        ch -> {
          OutputStream raw = Channels.newOutputStream(ch);
          BufferedOutputStream os =
              new BufferedOutputStream(raw, 1 << 16) {
                @Override
                public void close() throws IOException {
                  flush(); // the channel is forced and closed by the caller
                }
              };
          body.accept(os);
          os.flush();
        });
  }

  /**
   * Throws {@link InputException} if {@code out} cannot be a file: its folder is missing or is not
   * a folder, or {@code out} is itself a folder.
   */
  public static void checkTarget(Path out) {
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null) {
      throw new InputException(out + ": not a file path");
    }
    String shown = out.getParent() != null ? out.getParent().toString() : parent.toString();
    if (!Files.exists(parent)) {
      throw new InputException(out + ": folder '" + shown + "' does not exist");
    }
    if (!Files.isDirectory(parent)) {
      throw new InputException(out + ": '" + shown + "' is not a folder");
    }
    if (Files.isDirectory(out)) {
      throw new InputException(out + ": is a folder, expected a file name");
    }
  }

  private static void writeChannel(Path out, IoConsumer<FileChannel> fill) {
    checkTarget(out);
    Path dir = out.toAbsolutePath().getParent();
    Path tmp;
    FileChannel ch;
    try {
      tmp = null;
      ch = null;
      for (int attempt = 0; ch == null; attempt++) {
        tmp = dir.resolve(tempName(out.getFileName().toString()));
        try {
          ch =
              FileChannel.open(
                  tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          if (attempt >= 20) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw failure(out, e);
    }
    try {
      try (FileChannel c = ch) {
        fill.accept(c);
        c.force(true);
      }
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      InputException failure = failure(out, e);
      deleteQuietly(tmp, failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      deleteQuietly(tmp, e);
      throw e;
    }
    syncFolder(dir);
  }

  private static String tempName(String fileName) {
    return "."
        + fileName
        + ".tmp-"
        + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  }

  private static void deleteQuietly(Path tmp, Throwable primary) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  /** Makes the rename durable where the platform allows opening a folder; best effort. */
  private static void syncFolder(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // Not supported on every platform (Windows); the content itself is already forced.
    }
  }

  private static InputException failure(Path out, IOException e) {
    String why;
    if (e instanceof AccessDeniedException) {
      why = "cannot write (permission denied)";
    } else if (e instanceof NoSuchFileException) {
      why = "cannot write (folder vanished)";
    } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
      why = "cannot write: " + fse.getReason();
    } else {
      why = "cannot write: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }
    return new InputException(out + ": " + why.replaceAll("[\\r\\n]+", " "), e);
  }
}
