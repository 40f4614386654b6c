package laai.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint could not be opened, parsed or loaded. The message always names the file (or folder)
 * and, where one is involved, the tensor, because "bad header" without a path is useless when a
 * model folder holds a dozen shards.
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    static CheckpointException inFile(Path file, String problem) {
        return new CheckpointException(problem + " in " + file);
    }

    static CheckpointException inFile(Path file, String problem, Throwable cause) {
        return new CheckpointException(problem + " in " + file, cause);
    }

    static CheckpointException forTensor(Path file, String tensor, String problem) {
        return new CheckpointException(problem + " for tensor '" + tensor + "' in " + file);
    }
}
