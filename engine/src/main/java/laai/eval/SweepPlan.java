package laai.eval;

import laai.model.ModelConfig;
import laai.tasks.Split;
import laai.tasks.Task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep before anything runs: its runs in the order of the table's rows, and the groups they
 * run in. Making a plan checks everything that can be checked without the model's weights (the
 * layers against its config, every setting, every split), so that a malformed sweep fails before
 * any training starts, in this process or on a cluster.
 *
 * <p>The groups are exactly the batches {@link Experiment#trainTogether} would form from all the
 * sweep's Δs at once (same layer and site, in the order of the loops, {@link Experiment#MAX_BATCH}
 * at a time; one per Δ on the naive path), then one group of baselines per (N, seed). Batched Δs
 * share every product of a step, so a Δ's numbers depend on its batch: the same groups give the
 * same numbers wherever they run.
 */
public record SweepPlan(List<RunSpec> runs, List<RunGroup> groups) implements Serializable {

    public SweepPlan {
        runs = List.copyOf(runs);
        groups = List.copyOf(groups);
    }

    /**
     * Layers × γ × λ × N × seeds of one task. Rows: per (N, seed), zero-shot and few-shot (when
     * {@code baselines}), then a Δ per layer, γ and λ.
     */
    public static SweepPlan of(Task task, Experiment.Settings base, int[] layers, double[] lassos,
                               double[] groupLassos, int[] nTrains, long[] seeds, boolean baselines, Scorer scorer,
                               ModelConfig model) {
        for (int layer : layers) model.checkLayer(layer);
        List<RunSpec> runs = new ArrayList<>();
        List<RunSpec> baselineRuns = new ArrayList<>();
        for (int n : nTrains) {
            for (long seed : seeds) {
                Experiment.Settings s0 = base.withTrain(n).withSeed(seed);
                Split.of(task, s0.nTrain(), s0.nTest(), s0.seed()); // enough pairs for this N?
                List<Experiment.Settings> deltas = new ArrayList<>();
                for (int layer : layers) {
                    for (double g : lassos) {
                        for (double l : groupLassos) deltas.add(s0.withLayer(layer).withPenalty(g, l));
                    }
                }
                if (baselines) {
                    // The baselines carry the split's first Δ settings, as the sweep always did.
                    Experiment.Settings first = deltas.isEmpty() ? s0 : deltas.get(0);
                    for (Method m : List.of(Method.ZERO_SHOT, Method.FEW_SHOT)) {
                        RunSpec spec = RunSpec.of(runs.size(), m, task.name(), first, scorer);
                        runs.add(spec);
                        baselineRuns.add(spec);
                    }
                }
                for (Experiment.Settings s : deltas) runs.add(RunSpec.of(runs.size(), Method.DELTA, task.name(), s, scorer));
            }
        }
        return new SweepPlan(runs, groups(task, runs, baselineRuns));
    }

    private static List<RunGroup> groups(Task task, List<RunSpec> runs, List<RunSpec> baselineRuns) {
        Map<String, List<RunSpec>> byPlace = new LinkedHashMap<>();
        for (RunSpec r : runs) {
            if (!r.trains()) continue;
            String place = r.naivePath() ? "naive " + r.index() : r.layer() + " " + r.site();
            byPlace.computeIfAbsent(place, k -> new ArrayList<>()).add(r);
        }
        List<RunGroup> groups = new ArrayList<>();
        for (List<RunSpec> same : byPlace.values()) {
            for (int from = 0; from < same.size(); from += Experiment.MAX_BATCH) {
                groups.add(new RunGroup(groups.size(), task, same.subList(from, Math.min(same.size(), from + Experiment.MAX_BATCH))));
            }
        }
        for (int i = 0; i < baselineRuns.size(); i += 2) {
            groups.add(new RunGroup(groups.size(), task, baselineRuns.subList(i, i + 2)));
        }
        return groups;
    }

    /** The group each run is in, by the run's index. */
    public RunGroup groupOf(RunSpec run) {
        for (RunGroup g : groups) {
            if (g.runs().contains(run)) return g;
        }
        throw new IllegalArgumentException("not a run of this plan: " + run.describe());
    }

    /**
     * The table from every group's result, in the plan's row order. Each group must have given
     * exactly one result: a missing or doubled one (a rerun counted twice) is an error, not a row.
     */
    public List<ResultRow> rows(List<GroupResult> results) {
        ResultRow[] rows = new ResultRow[runs.size()];
        boolean[] seen = new boolean[groups.size()];
        for (GroupResult r : results) {
            if (r.group() < 0 || r.group() >= groups.size()) throw new IllegalArgumentException("no group " + r.group() + " in this plan");
            if (seen[r.group()]) throw new IllegalStateException("group " + r.group() + " came back twice");
            seen[r.group()] = true;
            List<RunSpec> these = groups.get(r.group()).runs();
            if (r.rows().size() != these.size()) {
                throw new IllegalStateException("group " + r.group() + " gave " + r.rows().size() + " rows for " + these.size() + " runs");
            }
            for (int i = 0; i < these.size(); i++) rows[these.get(i).index()] = r.rows().get(i);
        }
        for (int g = 0; g < seen.length; g++) {
            if (!seen[g]) throw new IllegalStateException("no result for " + groups.get(g).describe());
        }
        return List.of(rows);
    }

    /** Every trained Δ of the results by its run, in the plan's order. */
    public Map<RunSpec, GroupResult.TrainedRun> deltas(List<GroupResult> results) {
        GroupResult.TrainedRun[] byRun = new GroupResult.TrainedRun[runs.size()];
        for (GroupResult r : results) {
            for (GroupResult.TrainedRun t : r.deltas()) byRun[t.run()] = t;
        }
        Map<RunSpec, GroupResult.TrainedRun> ordered = new LinkedHashMap<>();
        for (RunSpec run : runs) {
            if (byRun[run.index()] != null) ordered.put(run, byRun[run.index()]);
        }
        return ordered;
    }

    /** Loss per step of every Δ, keyed as {@link Sweep#losses()}. */
    public Map<String, List<Double>> losses(List<GroupResult> results) {
        Map<String, List<Double>> losses = new LinkedHashMap<>();
        deltas(results).forEach((run, t) -> losses.put(t.key(), t.losses()));
        return losses;
    }

    /** How many Δs the plan trains. */
    public long deltaCount() {
        return runs.stream().filter(RunSpec::trains).count();
    }
}
