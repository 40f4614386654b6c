package laai.eval;

import laai.tasks.Task;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs that go together to one worker: either the Δs of one training batch (same layer and site,
 * at most {@link Experiment#MAX_BATCH}, trained as batched Δs), or the two baselines of one
 * (N, seed) split. Carries its task's pairs, so that a worker needs nothing but the model.
 *
 * @param index its place in {@link SweepPlan#groups()}
 */
public record RunGroup(int index, Task task, List<RunSpec> runs) implements Serializable {

    public RunGroup {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) throw new IllegalArgumentException("a group of no runs");
    }

    /** Whether its runs train Δs (otherwise they are baselines, which train nothing). */
    public boolean trains() {
        return runs.get(0).trains();
    }

    public String describe() {
        return "group " + index + " of the sweep: " + runs.stream().map(RunSpec::describe).collect(Collectors.joining("; "));
    }
}
