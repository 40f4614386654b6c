package laai.magics;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import laai.eval.GroupResult;
import laai.eval.ModelSpec;
import laai.eval.SweepPlan;
import laai.kernel.MagicException;
import laai.runtime.Interrupted;

/**
 * A sweep plan run by the spark module on a driver thread of its own, each group's result handed
 * to the cell's thread as it arrives. The cell's thread sends the displays (the kernel sends them
 * for the cell that runs on it) and takes the kernel's interrupt: it then interrupts the driver
 * thread, which cancels Spark's tasks, and returns at once, within the kernel's grace period,
 * while Spark stops in the background; the next run waits until it has.
 */
final class ClusterSweep {

    /** How long an interrupted cell waits for Spark to stop before it returns all the same. */
    private static final long STOP_WAIT_MS = 1_000;
    private static final Object END = new Object();

    /** The last run's driver thread: Spark allows one context per JVM, so a new run waits for it. */
    private static Thread lastDriver;

    private ClusterSweep() {
    }

    /**
     * Every group's result; {@code arrived} is called on this thread with each, in the order they
     * come back. An interrupt of this thread throws {@link Interrupted} after the results that
     * came back before it; a failure of the run throws its exception.
     */
    static List<GroupResult> run(SparkModule.Loaded spark, SweepPlan plan, ModelSpec model, String master,
                                 Consumer<GroupResult> arrived) {
        BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
        FutureTask<List<GroupResult>> job = new FutureTask<>(() -> {
            try {
                return spark.sweep().run(plan, model, master, arrivals::add);
            } finally {
                arrivals.add(END);
            }
        });
        Thread driver = new Thread(job, "laai-spark-driver");
        // Spark's executors load the job's classes (the spark module's) through the context class
        // loader of the thread that starts the context.
        driver.setContextClassLoader(spark.loader());
        driver.setDaemon(true);
        try {
            waitForTheLastRun();
            start(driver);
            for (Object next = arrivals.take(); next != END; next = arrivals.take()) {
                arrived.accept((GroupResult) next);
            }
            return job.get();
        } catch (InterruptedException e) {
            driver.interrupt();
            try {
                driver.join(STOP_WAIT_MS);
            } catch (InterruptedException again) {
                // a second interrupt: no more waiting
            }
            throw new Interrupted("interrupted during the sweep on Spark (" + master + ")");
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static synchronized void waitForTheLastRun() throws InterruptedException {
        if (lastDriver != null) {
            lastDriver.join();
        }
    }

    private static synchronized void start(Thread driver) {
        lastDriver = driver;
        driver.start();
    }

    private static RuntimeException unwrap(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            return e;
        }
        if (failure instanceof LinkageError e) {
            // A spark module built from other sources than this kernel's engine, or a jar missing from lib/.
            return new MagicException("--spark: the spark module's jars do not fit this kernel (" + e
                    + "); rebuild both with `mvn -B -q -DskipTests package`", e);
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(failure);
    }
}
