package laai.cli;

import laai.checkpoint.CheckpointException;
import laai.runtime.Djl;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/laai}: the command-line face of the engine. */
@Command(name = "laai", mixinStandardHelpOptions = true, version = "laai 0.1.0",
        description = {"Task-driven layerwise additive activation intervention on Hugging Face checkpoints.",
                "Architectures (config.json model_type): " + laai.model.family.Families.SUPPORTED + "."},
        subcommands = {InfoCommand.class, GenerateCommand.class, LogitsCommand.class, ActivationsCommand.class,
                BenchCommand.class, InterveneCommand.class, ComposeCommand.class, SweepCommand.class, TableCommand.class,
                TransferCommand.class, MakeRandomModelCommand.class},
        footer = {"", "Also, from the demo-model module: train-demo-model, make-opinion-dataset,",
                "make-chained-dataset (the demo model's builder)."})
public final class Main {

    public static void main(String[] args) {
        Djl.engine();
        System.exit(run(args));
    }

    /**
     * Runs a command line and returns its exit code; errors become one line on stderr and, for a
     * command asked for {@code --json}, also {@code {"error": "..."}} on stdout.
     */
    public static int run(String... args) {
        return run(new Main(), args);
    }

    /** {@link #run(String...)} for another root command (the demo-model module's), with the same error handling. */
    public static int run(Object root, String... args) {
        boolean json = java.util.Arrays.asList(args).contains("--json");
        CommandLine cli = new CommandLine(root);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e;
            String message;
            if (cause instanceof CheckpointException || cause instanceof IllegalArgumentException
                    || cause instanceof laai.tasks.TaskFormatException || cause instanceof java.io.UncheckedIOException
                    || cause instanceof laai.model.NonFiniteOutputException) {
                message = cause.getMessage();
                commandLine.getErr().println("laai: " + message);
            } else {
                message = cause.toString();
                commandLine.getErr().println("laai: " + message);
                cause.printStackTrace(commandLine.getErr());
            }
            if (json) Json.printError(message);
            return 1;
        });
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, arguments) -> {
            if (json) Json.printError(e.getMessage());
            return usage.handleParseException(e, arguments);
        });
        return cli.execute(args);
    }
}
