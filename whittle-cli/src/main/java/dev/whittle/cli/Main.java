package dev.whittle.cli;

import dev.whittle.InputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code whittle} command. Exit codes: 0 success, 2 bad usage or bad input (one line naming
 * the file, field or flag), 1 internal failure (with the stack trace: it is a bug).
 */
@Command(
    name = "whittle",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Makes neural networks smaller and faster, and measures what that bought.",
    subcommands = {
      DemoCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      InfoCommand.class,
      BenchCommand.class,
      PruneCommand.class,
      DistillCommand.class,
      QuantizeCommand.class,
      ShareCommand.class,
      LowRankCommand.class,
      PipelineCommand.class,
      SensitivityCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Run 'whittle COMMAND --help' for a command's options and an example."})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (OutOfMemoryError e) {
      System.err.println("whittle: out of memory; give the JVM more, such as JAVA_OPTS=-Xmx16g");
      code = 1;
    }
    System.exit(code);
  }

  /** Runs a command line and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter err = line.getErr();
      Throwable cause = e;
      while (!(cause instanceof InputException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof InputException) {
        err.println("whittle " + line.getCommandName() + ": " + cause.getMessage());
        err.flush();
        return 2;
      }
      err.println("whittle " + line.getCommandName() + ": internal error (please report it): " + e);
      e.printStackTrace(err);
      err.flush();
      return 1;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("whittle " + e.getCommandLine().getCommandName() + ": " + e.getMessage());
      err.println("Run 'whittle " + e.getCommandLine().getCommandName()
          + " --help' for usage.");
      err.flush();
      return 2;
    });
    return cl;
  }

  /** The version from the jar's manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"whittle " + (v == null ? "development" : v)};
    }
  }
}
