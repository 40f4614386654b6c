package laai.cli;

import laai.checkpoint.CheckpointException;
import laai.runtime.Djl;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/laai}: the command-line face of the engine. */
@Command(name = "laai", mixinStandardHelpOptions = true, version = "laai 0.1.0",
        description = {"Task-driven layerwise additive activation intervention on Hugging Face checkpoints.",
                "Architectures (config.json model_type): " + laai.model.ModelConfig.SUPPORTED + "."},
        subcommands = {InfoCommand.class, GenerateCommand.class, LogitsCommand.class, ActivationsCommand.class,
                BenchCommand.class, InterveneCommand.class, ComposeCommand.class, SweepCommand.class, TableCommand.class,
                TrainDemoModelCommand.class, TrainDemoModelCommand.MakeOpinionDataset.class,
                TrainDemoModelCommand.MakeChainedDataset.class, MakeRandomModelCommand.class})
public final class Main {

    public static void main(String[] args) {
        Djl.engine();
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; errors become one line on stderr. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e;
            if (cause instanceof CheckpointException || cause instanceof IllegalArgumentException
                    || cause instanceof laai.tasks.TaskFormatException || cause instanceof java.io.UncheckedIOException) {
                commandLine.getErr().println("laai: " + cause.getMessage());
            } else {
                commandLine.getErr().println("laai: " + cause);
                cause.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }
}
