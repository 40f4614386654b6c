package laai.spark;

import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What Spark's scheduler did with a sweep's tasks, seen from the driver: which executor ran each
 * task and how each attempt ended. {@link SparkSweep} makes its own context, so a test registers
 * this by name (spark.extraListeners) and finds the instance Spark made in {@link #last}.
 * Spark delivers events on one thread, and stopping the context delivers every pending one, so
 * the record is complete when the sweep returns.
 */
public final class TaskEvents extends SparkListener {

    /** One task attempt that ended; {@code partition} is the group's index in the plan. */
    record Ended(long task, int partition, String executor, TaskEndReason reason) {}

    /** The listener of the latest Spark context (tests run one context at a time). */
    static volatile TaskEvents last;

    /**
     * Called on Spark's event thread with the application and the task whenever an executor
     * starts its second task: that executor has sent one group back and is now running another.
     */
    static volatile BiConsumer<String, TaskInfo> onSecondTask;

    final List<Ended> ended = new ArrayList<>();
    private final Map<String, Integer> started = new HashMap<>();
    private String app;

    public TaskEvents() {
        last = this;
    }

    @Override
    public void onApplicationStart(SparkListenerApplicationStart start) {
        app = start.appId().get();
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        TaskInfo task = start.taskInfo();
        int count = started.merge(task.executorId(), 1, Integer::sum);
        BiConsumer<String, TaskInfo> hook = onSecondTask;
        if (count == 2 && hook != null) hook.accept(app, task);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskInfo task = end.taskInfo();
        synchronized (ended) {
            ended.add(new Ended(task.taskId(), task.index(), task.executorId(), end.reason()));
        }
    }

    List<Ended> ended() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }
}
