package dev.whittle.cli;

import dev.whittle.InputException;
import dev.whittle.data.Split;
import dev.whittle.nn.Model;
import dev.whittle.tensor.Shapes;
import java.nio.file.Path;

/** Checks that a model and a data set fit each other before any work starts. */
final class Inputs {
  private Inputs() {}

  static void checkCompatible(Model model, Path file, Split split, String dataName) {
    if (Shapes.size(model.inputShape()) != split.test().features()) {
      throw new InputException(file.getFileName() + " expects inputs of "
          + Shapes.format(model.inputShape()) + ", data set '" + dataName + "' has "
          + Shapes.format(split.test().sampleShape()));
    }
    if (model.outputs() < split.train().classes()) {
      throw new InputException(file.getFileName() + " has " + model.outputs()
          + " outputs, data set '" + dataName + "' has " + split.train().classes() + " classes");
    }
  }
}
