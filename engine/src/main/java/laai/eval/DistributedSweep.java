package laai.eval;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Runs a sweep plan's groups on a cluster, each with {@link GroupRunner#run} on a JVM that holds
 * the model. The engine carries no cluster code: the {@code spark} module provides one, found
 * through {@link ServiceLoader} when its jars are on the classpath ({@code bin/laai ... --spark}).
 */
public interface DistributedSweep {

    /**
     * Every group's result, one per group, in any order; each is also given to {@code finished}
     * as it arrives on this JVM (a progress display). Throws when a group fails for good, with
     * the failed run's specification in the message.
     *
     * @param master where to run, in the cluster manager's own words (Spark: local[2], spark://HOST:PORT, …)
     */
    List<GroupResult> run(SweepPlan plan, ModelSpec model, String master, Consumer<GroupResult> finished);

    /** The one on the classpath. */
    static DistributedSweep find() {
        return ServiceLoader.load(DistributedSweep.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "--spark needs the spark module on the classpath: build it (mvn package builds spark/ too) "
                        + "and run bin/laai, which adds its jars when --spark is given"));
    }
}
