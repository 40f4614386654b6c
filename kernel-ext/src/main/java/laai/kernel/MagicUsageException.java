package laai.kernel;

/**
 * A magic was called with arguments it cannot take. The kernel shows the message (usage line plus
 * the problem) without a stack trace, and the kernel's state is untouched.
 */
public class MagicUsageException extends IllegalArgumentException {

    public MagicUsageException(String message) {
        super(message);
    }
}
