package laai.eval;

/** A run of a sweep failed; the message names the run specification (or the group) it failed in. */
public final class SweepRunException extends RuntimeException {
    public SweepRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
