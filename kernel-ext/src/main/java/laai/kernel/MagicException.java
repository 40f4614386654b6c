package laai.kernel;

/**
 * A magic failed for a reason its message fully explains: a missing file, a broken dataset, a
 * diverged optimisation. The kernel shows the message without a stack trace (a trace would bury
 * the one line the user needs), and the kernel's state is untouched. The cause, if any, is kept
 * for code that catches it.
 */
public class MagicException extends RuntimeException {

    public MagicException(String message) {
        super(message);
    }

    public MagicException(String message, Throwable cause) {
        super(message, cause);
    }
}
