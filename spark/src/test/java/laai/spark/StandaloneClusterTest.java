package laai.spark;

import laai.eval.GroupResult;
import laai.eval.ModelSpec;
import laai.eval.ResultRow;
import laai.eval.SweepPlan;
import laai.intervention.Delta;
import laai.runtime.Djl;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.TaskInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep of {@link SparkSweepTest} on a standalone master with two workers, each a JVM process
 * of its own on loopback whose executor is another: the same table and Δs as in process, bit for
 * bit. Then again, killing one worker (and its executor) while it runs a group: Spark reruns that
 * group on the other worker, and the table is complete, the same, and has each group once.
 * One cluster for both (three JVMs fewer to start); the worker is killed last, hence the order.
 * The time limits only catch a job that never gets an executor (Spark would wait for ever), and
 * are wide because a machine shared with other work can slow these tests tenfold.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    static { Djl.engine(); }

    static List<ResultRow> inProcess;
    static Map<String, Delta> deltasInProcess;
    static SweepPlan plan;
    static ModelSpec spec;
    static LoopbackCluster cluster;
    static Map<String, String> settings = Map.of();

    @BeforeAll
    static void referenceAndCluster() throws Exception {
        SparkSweepTest.task();
        spec = SparkSweepTest.demo();
        plan = SparkSweepTest.plan(spec);
        inProcess = InProcessReference.get().rows();
        deltasInProcess = InProcessReference.get().deltas();
        // Kept in target/ after the run: the daemons' and executors' logs are the only account of a failure.
        cluster = new LoopbackCluster(Path.of("target", "loopback-cluster").toAbsolutePath(), 2);
        settings = Map.of(
                "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.memory", "512m", "spark.executor.cores", "1", "spark.cores.max", "2",
                "spark.executor.extraClassPath", cluster.classFolders,
                "spark.executor.extraJavaOptions", LoopbackCluster.LEAN_JVM + " -Dlaai.repo=" + SparkSweepTest.REPO,
                "spark.extraListeners", TaskEvents.class.getName(),
                // Start no task before both executors are up: otherwise one could take every group.
                "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "600s");
        settings.forEach(System::setProperty);
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        settings.keySet().forEach(System::clearProperty);
        TaskEvents.onSecondTask = null;
        if (cluster != null) cluster.close();
    }

    private static void assertSameTable(List<ResultRow> rows, String how) {
        assertEquals(inProcess.size(), rows.size(), how);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(SparkSweepTest.withoutSeconds(inProcess.get(i)), SparkSweepTest.withoutSeconds(rows.get(i)), how + ", row " + i);
        }
    }

    private static boolean succeeded(TaskEvents.Ended e) {
        return e.reason() == Success$.MODULE$;
    }

    @Test
    @Order(1)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void twoWorkersGiveTheInProcessTableBitForBit() {
        List<GroupResult> results = new SparkSweep().run(plan, spec, cluster.master, r -> {});

        assertSameTable(plan.rows(results), "two workers");
        plan.deltas(results).forEach((run, t) ->
                assertArrayEquals(deltasInProcess.get(run.deltaKey()).values(), t.delta().values(), run.describe()));
        assertEquals(plan.deltaCount(), plan.deltas(results).size());
        Set<String> executors = TaskEvents.last.ended().stream().filter(StandaloneClusterTest::succeeded)
                .map(TaskEvents.Ended::executor).collect(Collectors.toSet());
        assertEquals(2, executors.size(), "groups ran on both workers' executors: " + executors);
    }

    @Test
    @Order(2)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void losingAWorkerWhileItRunsAGroupRerunsThatGroupElsewhereAndCountsItOnce() {
        AtomicReference<TaskInfo> killed = new AtomicReference<>();
        AtomicInteger worker = new AtomicInteger(-1);
        AtomicReference<RuntimeException> killFailed = new AtomicReference<>();
        // On Spark's event thread as the task is launched: it cannot have finished, being seconds of training.
        TaskEvents.onSecondTask = (app, task) -> {
            if (!killed.compareAndSet(null, task)) return;
            try {
                worker.set(cluster.killWorkerRunning(app, task.executorId()));
            } catch (RuntimeException e) {
                killFailed.set(e);
            }
        };
        List<Integer> arrived = Collections.synchronizedList(new ArrayList<>());
        List<GroupResult> survived;
        try {
            survived = new SparkSweep().run(plan, spec, cluster.master, r -> arrived.add(r.group()));
        } finally {
            TaskEvents.onSecondTask = null;
        }

        TaskInfo lost = killed.get();
        assertNotNull(lost, "no executor started a second group, so no worker was killed");
        assertNull(killFailed.get(), () -> "could not kill the worker: " + killFailed.get());
        assertFalse(cluster.workerAlive(worker.get()), "worker " + worker.get() + " was killed");
        List<TaskEvents.Ended> ended = TaskEvents.last.ended();
        TaskEvents.Ended end = ended.stream().filter(e -> e.task() == lost.taskId()).findFirst().orElseThrow();
        assertInstanceOf(ExecutorLostFailure.class, end.reason(), "group " + lost.index() + " was running when its worker went");
        assertTrue(ended.stream().anyMatch(e -> e.partition() == lost.index() && succeeded(e) && !e.executor().equals(lost.executorId())),
                "group " + lost.index() + " ran again on the other worker: " + ended);
        List<Integer> everyGroupOnce = IntStream.range(0, plan.groups().size()).boxed().toList();
        assertEquals(everyGroupOnce, arrived.stream().sorted().toList(), "each group's result reached the driver once");
        assertSameTable(plan.rows(survived), "after losing a worker");
    }
}
