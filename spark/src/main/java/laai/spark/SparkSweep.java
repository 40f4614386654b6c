package laai.spark;

import laai.eval.DistributedSweep;
import laai.eval.GroupResult;
import laai.eval.ModelSpec;
import laai.eval.RunGroup;
import laai.eval.SweepPlan;
import laai.runtime.Interrupted;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A sweep on Apache Spark: one partition per {@link RunGroup}, so each group is one task (the Δs
 * of one batch train together on one executor), and one result per partition comes back. Spark
 * hands each partition's result to the driver once, however often a lost executor made it rerun
 * a task, so nothing computed twice enters the table. An interrupt of the calling thread cancels
 * the job, interrupting its tasks, and throws {@link Interrupted}.
 */
public final class SparkSweep implements DistributedSweep {

    /** Spark contexts this JVM has started: a malformed sweep must fail before the first. */
    static final AtomicInteger CONTEXTS_STARTED = new AtomicInteger();

    /** The job group of a sweep's job, so that an interrupt cancels exactly it. */
    private static final String JOB_GROUP = "laai-sweep";

    @Override
    public List<GroupResult> run(SweepPlan plan, ModelSpec model, String master, Consumer<GroupResult> finished) {
        SparkConf conf = SparkSettings.of(master, model);
        List<GroupResult> results = Collections.synchronizedList(new ArrayList<>());
        CONTEXTS_STARTED.incrementAndGet();
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            // Cancelling the group interrupts its task threads, and the engine stops at their next step.
            spark.setJobGroup(JOB_GROUP, "laai sweep", true);
            JavaRDD<RunGroup> groups = spark.parallelize(plan.groups(), plan.groups().size());
            ClassTag<GroupResult[]> tag = ClassTag$.MODULE$.apply(GroupResult[].class);
            try {
                spark.sc().runJob(groups.rdd(), new RunGroups(model), new AbstractFunction2<Object, GroupResult[], BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object partition, GroupResult[] done) {
                        for (GroupResult r : done) {
                            results.add(r);
                            finished.accept(r);
                        }
                        return BoxedUnit.UNIT;
                    }
                }, tag);
            } catch (Exception e) { // an interrupt of this thread arrives as Scala throws it: unannounced
                if (!(e instanceof InterruptedException)) throw e;
                // Stopping the context alone would leave local task threads training to their end.
                spark.cancelJobGroup(JOB_GROUP);
                throw new Interrupted("interrupted during the sweep on Spark (" + master + ") after "
                        + results.size() + " of " + plan.groups().size() + " groups");
            }
        } catch (Exception e) { // Scala declares no exceptions: SparkException, checked in Java, comes unannounced
            if (!(e instanceof SparkException)) throw e;
            // Spark's message quotes the executor's exception, which names the failed run; its first line is the news.
            String message = String.valueOf(e.getMessage());
            int end = message.indexOf('\n');
            throw new IllegalStateException("the sweep failed on Spark (" + master + "): "
                    + (end < 0 ? message : message.substring(0, end)), e);
        }
        return List.copyOf(results);
    }
}
