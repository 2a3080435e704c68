package dev.whittle.data;

import static dev.whittle.data.DataSets.IDX_FILES;

import dev.whittle.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A custom IDX data set: a folder holding the four {@link DataSets#IDX_FILES} (each raw or
 * {@code .gz}), named after the folder, classes = largest training label + 1. A test label outside
 * that range is an error: the model could never predict it.
 */
final class IdxFolder {
  private IdxFolder() {}

  static Split load(Path dir) {
    Path[] files = new Path[IDX_FILES.size()];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      files[i] = KnownSetLookup.findFile(List.of(dir), IDX_FILES.get(i));
      if (files[i] == null) {
        missing.add(IDX_FILES.get(i) + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new InputException(
          dir
              + ": not a folder with IDX files: missing "
              + String.join(", ", missing)
              + "; expected "
              + String.join(", ", IDX_FILES)
              + " (raw or .gz)");
    }
    Path fileName = dir.toAbsolutePath().normalize().getFileName();
    String name = fileName == null ? dir.toString() : fileName.toString();
    Idx.Loaded train = Idx.readPairWithDigests(files[0], files[1], name, 0);
    Idx.Loaded test = Idx.readPairWithDigests(files[2], files[3], name, 0);
    if (train.data().features() != test.data().features()) {
      throw new InputException(
          files[2]
              + ": images are "
              + shapeText(test.data())
              + " but the training images in "
              + files[0]
              + " are "
              + shapeText(train.data()));
    }
    if (test.data().classes() > train.data().classes()) {
      int bad = 0;
      for (int label : test.data().y()) {
        bad = Math.max(bad, label);
      }
      throw new InputException(files[3] + ": label " + bad + " out of range [0, "
          + train.data().classes() + ") of the training labels in " + files[1].getFileName());
    }
    String checksum =
        DataIo.combine(
            List.of(
                train.imagesSha256(),
                train.labelsSha256(),
                test.imagesSha256(),
                test.labelsSha256()));
    return Split.withSharedClasses(train.data(), test.data(), checksum);
  }

  private static String shapeText(Dataset d) {
    int[] s = d.sampleShape();
    return s[s.length - 2] + "x" + s[s.length - 1];
  }
}
