package laai.runtime;

import java.util.concurrent.CancellationException;

/**
 * The one exception the engine throws when the thread running it has been interrupted: the
 * command line's SIGINT and the kernel's interrupt request both interrupt the thread doing the
 * work, and every long loop (decoding steps, evaluation batches, model layers, optimisation steps
 * between trainings) calls {@link #check} between two units of work, so the work stops within one
 * unit and its try-with-resources blocks release the model's tensors on the way out.
 *
 * <p>{@link #check} leaves the thread's interrupt flag set, so that callers further up (and any
 * blocking call they make) see the interrupt too. Code that still has to write something after
 * catching it (a table, a file through a channel, which an interrupted thread would close) clears
 * the flag first with {@link Thread#interrupted()}.
 *
 * <p>A {@link CancellationException}, so that code which knows nothing of the engine (executors,
 * the kernel) treats it as a cancellation.
 */
public class Interrupted extends CancellationException {

    public Interrupted(String message) {
        super(message);
    }

    /**
     * Throws if the current thread has been interrupted.
     *
     * @param during what was running, for the message: "interrupted during " + during
     */
    public static void check(String during) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Interrupted("interrupted during " + during);
        }
    }
}
