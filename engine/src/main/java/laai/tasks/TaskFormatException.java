package laai.tasks;

/** A task file that cannot be used; the message names the file, the line where known, and the reason. */
public class TaskFormatException extends RuntimeException {
    public TaskFormatException(String message) {
        super(message);
    }
}
