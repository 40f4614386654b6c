package laai.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import laai.kernel.eval.AbandonedThreads;

/**
 * Sends display messages from a thread that is never interrupted. JeroMQ fails a send from an
 * interrupted thread (EINTR) and clears the interrupt, so a progress update sent from a cell the
 * user just interrupted would swallow the interrupt and could leave a multipart message half sent.
 * The cell's thread waits for each send, ignoring interrupts while it waits, then restores its
 * interrupt flag: the code it runs still sees the interrupt at its next check.
 */
final class DisplayPublisher {

    private static final ExecutorService SENDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "laai-display");
        t.setDaemon(true);
        return t;
    });

    private DisplayPublisher() {
    }

    static void send(Runnable message) {
        if (AbandonedThreads.currentIsAbandoned()) {
            return; // its cell was reported interrupted: the display would land in whatever cell runs now
        }
        Future<?> sent = SENDER.submit(message);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    sent.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the send is short; finish it, then hand the interrupt back
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
