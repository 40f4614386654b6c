package laai.kernel.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import laai.runtime.Interrupted;

/**
 * The cell threads the kernel gave up on: a cell that did not stop within the grace period after
 * an interrupt keeps running on its thread, while the interrupt is reported and later cells run on
 * a fresh one. Such a thread must not change what later cells see: state shared between cells (the
 * magics' session) changes only through {@link #unlessAbandoned}, which refuses it.
 *
 * <p>Giving a thread up and a change of shared state exclude each other (a read-write lock), so a
 * change either finished before the interrupt was reported, or never happens.
 */
public final class AbandonedThreads {

    private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();
    private static final Set<Thread> THREADS = new LinkedHashSet<>();

    private AbandonedThreads() {
    }

    /**
     * Runs {@code change} unless the current thread was given up; then throws {@link Interrupted}.
     * Changes are short (a map entry, a field): a thread being given up waits for one to finish.
     */
    public static <T> T unlessAbandoned(Supplier<T> change) {
        LOCK.readLock().lock();
        try {
            checkCurrent();
            return change.get();
        } finally {
            LOCK.readLock().unlock();
        }
    }

    public static void unlessAbandoned(Runnable change) {
        unlessAbandoned(() -> {
            change.run();
            return null;
        });
    }

    /** Throws {@link Interrupted} on a thread the kernel gave up on: its cell was reported interrupted. */
    public static void checkCurrent() {
        if (isAbandoned(Thread.currentThread())) {
            throw new Interrupted("this cell was interrupted and its thread given up ("
                    + Thread.currentThread().getName() + "); it can no longer change the session");
        }
    }

    /** Whether the calling thread is one the kernel gave up on. */
    public static boolean currentIsAbandoned() {
        return isAbandoned(Thread.currentThread());
    }

    static boolean isAbandoned(Thread thread) {
        synchronized (THREADS) {
            return THREADS.contains(thread);
        }
    }

    static void abandon(Thread thread) {
        LOCK.writeLock().lock();
        try {
            synchronized (THREADS) {
                THREADS.add(thread);
            }
        } finally {
            LOCK.writeLock().unlock();
        }
    }

    /** The given-up threads still running; those that ended are forgotten. */
    static List<Thread> alive() {
        synchronized (THREADS) {
            THREADS.removeIf(t -> !t.isAlive());
            return new ArrayList<>(THREADS);
        }
    }
}
