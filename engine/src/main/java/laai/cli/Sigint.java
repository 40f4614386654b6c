package laai.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) of a long command. On SIGINT the JVM runs its shutdown hooks and then exits with
 * status 130 (128 + 2), whatever the main thread is doing. The hook installed here interrupts the
 * command's thread instead, so that the engine stops at its next step or batch
 * ({@link laai.runtime.Interrupted}), and holds the exit back until the command has printed the
 * rows it finished (and saved what it was asked to save): {@link #close()} releases it.
 */
final class Sigint implements AutoCloseable {

    /** How long the hook waits for the command; one layer of a large model on a CPU can take seconds. */
    private static final long WAIT_SECONDS = 60;

    private final Thread worker;
    private final Thread hook;
    private final CountDownLatch reported = new CountDownLatch(1);

    private Sigint(Thread worker) {
        this.worker = worker;
        this.hook = new Thread(this::stopWorker, "laai-sigint");
    }

    /** Until {@link #close()}, SIGINT (and SIGTERM) interrupt the calling thread and wait for it. */
    static Sigint interruptsThisThread() {
        Sigint sigint = new Sigint(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(sigint.hook);
        return sigint;
    }

    private void stopWorker() {
        System.err.println();
        System.err.println("laai: interrupted; stopping at the next step and printing the rows finished so far");
        worker.interrupt();
        try {
            reported.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command has printed what it had: a shutdown under way may now finish. */
    @Override
    public void close() {
        System.out.flush();
        System.err.flush();
        reported.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running (or ran): it returns now that the latch is down.
        }
    }
}
