package laai.magics;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CancellationException;

import laai.checkpoint.CheckpointException;
import laai.kernel.MagicException;
import laai.kernel.MagicUsageException;
import laai.tasks.TaskFormatException;

/**
 * Runs one magic call the same way in every host: {@code --help}, {@code {expr}} expansion,
 * argument parsing, and the translation of the engine's input errors into one clear message.
 */
final class MagicDispatcher {

    private MagicDispatcher() {
    }

    static Object run(MagicCommand command, List<String> rawArgs, Host host) {
        Syntax syntax = command.syntax();
        if (rawArgs.contains("--help") || rawArgs.contains("-h")) {
            return syntax.help();
        }
        Args args = Args.parse(syntax, ArgumentExpander.expand(rawArgs, host));
        try {
            return command.run(args, host);
        } catch (MagicUsageException | MagicException | CancellationException e) {
            throw e;
        } catch (TaskFormatException | CheckpointException e) {
            throw new MagicException("%" + syntax.name() + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new MagicException("%" + syntax.name() + ": " + e.getCause().getMessage(), e);
        } catch (IllegalArgumentException e) {
            // The engine validates its inputs with IllegalArgumentException (a layer out of range,
            // vectors of different sizes); its message is the explanation.
            throw new MagicException("%" + syntax.name() + ": " + e.getMessage(), e);
        }
    }
}
