package laai.kernel.eval;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>An interrupt interrupts the worker thread; the engine and the magics stop at their next step
 * or batch and keep what they finished (see laai.magics.Session). The cell is reported interrupted
 * once its code has stopped, or after {@link #STOP_GRACE_MS} if it ignores the interrupt: its
 * thread is then given up ({@link AbandonedThreads}: it can no longer change the session), later
 * cells run on a fresh thread, and the next interrupt, or {@code %reset-thread}, stops it. A second
 * interrupt within the grace period stops it at once.
 */
public final class SnippetExecutor implements AutoCloseable {

    /**
     * How long interrupted code may take to stop before its thread is given up. The engine checks
     * between layers and decoding steps, so it stops well within; the bound keeps an interrupt's
     * answer under 2 s even for code that never checks.
     */
    private static final long STOP_GRACE_MS = 1_500;

    /** How long {@link #stopAbandoned()} waits for each stopped thread to end. */
    private static final long STOP_WAIT_MS = 2_000;

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

    /**
     * Cancels the running task, if any, and makes further tasks of the current cell fail fast. A
     * second interrupt also stops the threads given up after an earlier one.
     */
    public void requestInterrupt() {
        interruptRequested = true;
        Progress beingStopped = stopping;
        if (beingStopped != null) {
            beingStopped.interruptedAgain = true; // impatience: no need to wait out the grace period
        }
        Future<?> current = running;
        if (current != null) {
            current.cancel(true);
        }
        for (Thread t : AbandonedThreads.alive()) {
            stop(t);
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

    /**
     * Stops every thread given up after an interrupt ({@code %reset-thread}) and waits for each to
     * end; returns one line per thread saying whether it did.
     */
    public List<String> stopAbandoned() throws InterruptedException {
        List<String> report = new ArrayList<>();
        for (Thread t : AbandonedThreads.alive()) {
            if (!stop(t)) {
                report.add(t.getName() + " cannot be stopped on Java " + Runtime.version().feature()
                        + " (Thread.stop is gone); restart the kernel to end it");
                continue;
            }
            t.join(STOP_WAIT_MS);
            report.add(t.isAlive()
                    ? t.getName() + " did not stop (it catches ThreadDeath, or is blocked in native code)"
                    : t.getName() + " stopped");
        }
        return report;
    }

    /** The names of the threads given up after an interrupt that are still running. */
    public List<String> abandonedThreads() {
        return AbandonedThreads.alive().stream().map(Thread::getName).toList();
    }

    /**
     * Thread.stop is deprecated because the stopped thread gives up its locks wherever it happens to
     * be, leaving whatever it was changing half done. It is still the only way to end a Java loop
     * that ignores interrupts, and it is used only on a thread the kernel has already given up on:
     * one whose cell was reported interrupted and which can no longer change the session. A thread
     * blocked in native code stops when it returns to Java.
     */
    @SuppressWarnings({"deprecation", "removal"})
    private static boolean stop(Thread thread) {
        try {
            thread.stop();
            return true;
        } catch (UnsupportedOperationException removed) {
            return false; // Java 20 and later: only a restart ends such a loop
        }
    }

    private synchronized <T> Future<T> submit(Callable<T> task, Progress progress) {
        ClassLoader loader = contextLoader;
        return executor.submit(() -> {
            progress.thread = Thread.currentThread();
            progress.started = true;
            Thread.currentThread().setContextClassLoader(loader);
            try {
                T value = task.call();
                progress.completed = true;
                return value;
            } catch (Exception | Error e) {
                progress.thrown = e;
                throw e;
            } finally {
                Thread.interrupted(); // a late cancel must not leak into the next task
                progress.finished.countDown();
            }
        });
    }

    /** Future.cancel returns at once; this tells whether the cancelled code has really stopped, and how. */
    private static final class Progress {
        volatile boolean started;
        volatile boolean completed;
        volatile Thread thread;
        volatile Throwable thrown;
        volatile boolean interruptedAgain;
        final CountDownLatch finished = new CountDownLatch(1);
    }

    /** The cancelled task whose code the Shell thread is waiting to stop, if any. */
    private volatile Progress stopping;

    private EvalInterruptedException interrupted(Progress progress) {
        stopping = progress;
        try {
            // A task cancelled before it started never runs, and never counts down.
            if (!progress.started || awaitStop(progress)) {
                return new EvalInterruptedException(progress.completed
                        ? "Interrupted after the cell's code had finished: everything it did is kept."
                        : stoppedMessage(progress.thrown));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopping = null;
        }
        Thread thread = progress.thread;
        abandonWorker(thread);
        if (progress.interruptedAgain && stopAndWait(thread)) {
            return new EvalInterruptedException("Interrupted twice. The cell's code ignored the first interrupt, "
                    + "so its thread " + thread.getName() + " was stopped; later cells run on a fresh thread.");
        }
        return new EvalInterruptedException("Interrupted. The cell's code ignored the interrupt for "
                + STOP_GRACE_MS / 1000.0 + " s and keeps running on the abandoned thread " + thread.getName()
                + ", which can no longer change the session; later cells run on a fresh thread. Interrupt again, "
                + "or run %reset-thread, to stop it.");
    }

    /** Waits for cancelled code to stop: true if it did within the grace period and before a second interrupt. */
    private static boolean awaitStop(Progress progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MS);
        while (!progress.interruptedAgain) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (progress.finished.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
        return progress.finished.getCount() == 0;
    }

    private static boolean stopAndWait(Thread thread) {
        if (!stop(thread)) {
            return false;
        }
        try {
            thread.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * "Interrupted.", followed by what the stopped code said about it (a magic says what it kept),
     * when it stopped by throwing a cancellation (laai.runtime.Interrupted is one).
     */
    private static String stoppedMessage(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof CancellationException && t.getMessage() != null && !t.getMessage().isBlank()) {
                return "Interrupted. " + capitalised(t.getMessage());
            }
            if (!(t instanceof InvocationTargetException) && t.getClass() != RuntimeException.class) {
                break; // only look through the wrappers of reflection and of jjava's magic calls
            }
        }
        return "Interrupted.";
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private synchronized void abandonWorker(Thread thread) {
        if (thread != null) {
            AbandonedThreads.abandon(thread);
        }
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
