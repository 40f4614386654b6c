package laai.kernel.eval;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs user code on one dedicated daemon thread.
 *
 * <p>User code must never run on a jjava channel thread: their loops stop for good when they see an
 * interrupt, so a cancelled cell would take the kernel down with it. Callers block until the task
 * is done; a task submitted from the executor thread itself (a magic that evaluates code) runs
 * inline, because waiting for the only worker from the worker would deadlock.
 */
public final class SnippetExecutor implements AutoCloseable {

    /** How long a cancelled snippet may take to notice its interrupt before its thread is given up. */
    private static final long STOP_GRACE_MS = 2_000;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private volatile ClassLoader contextLoader;
    private volatile boolean interruptRequested;
    private volatile Future<?> running;
    private ExecutorService executor = newExecutor();

    /** The loader that user code sees as its thread context class loader (ServiceLoader, ClassGraph...). */
    public void setContextLoader(ClassLoader loader) {
        this.contextLoader = loader;
    }

    public static boolean onExecutorThread() {
        return Thread.currentThread() instanceof SnippetThread;
    }

    /**
     * Runs {@code task} on the executor thread and returns its result. Exceptions thrown by the task
     * are rethrown as they are; an {@code Error} comes wrapped in an {@link ExecutionException}, so
     * it cannot kill a channel thread by accident.
     *
     * @throws EvalInterruptedException if {@link #requestInterrupt()} cancelled the task
     */
    public <T> T run(Callable<T> task) throws Exception {
        if (onExecutorThread()) {
            return task.call();
        }
        throwIfInterrupted();
        Progress progress = new Progress();
        Future<T> future = submit(task, progress);
        running = future;
        try {
            // An interrupt that arrived between the check above and publishing `running` would
            // otherwise find nothing to cancel.
            if (interruptRequested) {
                future.cancel(true);
            }
            return future.get();
        } catch (CancellationException e) {
            throw interrupted(progress);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        } finally {
            running = null;
        }
    }

    /** Cancels the running task, if any, and makes further tasks of the current cell fail fast. */
    public void requestInterrupt() {
        interruptRequested = true;
        Future<?> current = running;
        if (current != null) {
            current.cancel(true);
        }
    }

    /** Called when a new cell starts: an interrupt aimed at an earlier cell must not hit this one. */
    public void clearInterrupt() {
        interruptRequested = false;
    }

    public void throwIfInterrupted() {
        if (interruptRequested) {
            throw new EvalInterruptedException("Interrupted.");
        }
    }

    private synchronized <T> Future<T> submit(Callable<T> task, Progress progress) {
        ClassLoader loader = contextLoader;
        return executor.submit(() -> {
            progress.started = true;
            Thread.currentThread().setContextClassLoader(loader);
            try {
                return task.call();
            } finally {
                Thread.interrupted(); // a late cancel must not leak into the next task
                progress.finished.countDown();
            }
        });
    }

    /** Future.cancel returns at once; this tells whether the cancelled code has really stopped. */
    private static final class Progress {
        volatile boolean started;
        final CountDownLatch finished = new CountDownLatch(1);
    }

    private EvalInterruptedException interrupted(Progress progress) {
        try {
            // A task cancelled before it started never runs, and never counts down.
            if (!progress.started || progress.finished.await(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                return new EvalInterruptedException("Interrupted.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abandonWorker();
        return new EvalInterruptedException("Interrupted. The code ignored the interrupt and keeps running "
                + "on an abandoned thread; later cells run on a fresh one.");
    }

    private synchronized void abandonWorker() {
        executor.shutdown();
        executor = newExecutor();
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(SnippetThread::new);
    }

    @Override
    public synchronized void close() {
        executor.shutdownNow();
    }

    /** Marker type: lets nested evaluations recognise the executor thread without bookkeeping. */
    private static final class SnippetThread extends Thread {
        SnippetThread(Runnable r) {
            super(r, "laai-snippet-" + THREAD_IDS.incrementAndGet());
            setDaemon(true);
        }
    }
}
