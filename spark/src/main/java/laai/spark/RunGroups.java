package laai.spark;

import laai.eval.GroupResult;
import laai.eval.GroupRunner;
import laai.eval.ModelSpec;
import laai.eval.RunGroup;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Spark task does with its partition of groups: runs each with {@link GroupRunner#run} on
 * this JVM's copy of the model. Serialised to the executors; carries only the model's spec.
 */
final class RunGroups extends AbstractFunction2<TaskContext, Iterator<RunGroup>, GroupResult[]> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ModelSpec model;

    RunGroups(ModelSpec model) {
        this.model = model;
    }

    @Override
    public GroupResult[] apply(TaskContext context, Iterator<RunGroup> groups) {
        List<GroupResult> results = new ArrayList<>();
        while (groups.hasNext()) {
            RunGroup group = groups.next();
            WorkerModels.ONE_AT_A_TIME.lock();
            try {
                results.add(GroupRunner.run(WorkerModels.experiment(model, group.runs().get(0).settings().template()), group, null));
            } finally {
                WorkerModels.ONE_AT_A_TIME.unlock();
            }
        }
        return results.toArray(GroupResult[]::new);
    }
}
