package dev.whittle.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, such as the body that fills a file in {@link
 * AtomicFile#write(java.nio.file.Path, IoConsumer)}.
 *
 * @param <T> what it consumes
 */
@FunctionalInterface
public interface IoConsumer<T> {
  void accept(T value) throws IOException;
}
