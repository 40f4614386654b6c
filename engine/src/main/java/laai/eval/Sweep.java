package laai.eval;

import laai.intervention.Delta;
import laai.tasks.Task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers × γ × λ × N × seeds into one table, in this process: one "delta" row per combination,
 * plus zero-shot and few-shot rows once per (N, seed). Keeps every Δ's loss curve for the
 * loss-per-step plot. It runs the {@link SweepPlan}'s groups with {@link GroupRunner}, the same
 * plan and function a distributed sweep runs, so both give the same table.
 *
 * <p>Every group's Δs train first, then the rows are evaluated in the table's order. An interrupt
 * ({@link laai.runtime.Interrupted}) stops it between steps and batches; its {@link #deltas()} and
 * {@link #losses()} then hold the Δs trained so far, and the listener has seen the rows finished
 * so far.
 */
public final class Sweep {
    private final Experiment experiment;
    private final Map<String, List<Double>> losses = new LinkedHashMap<>();
    private final Map<String, Delta> deltas = new LinkedHashMap<>();

    public Sweep(Experiment experiment) {
        this.experiment = experiment;
    }

    /**
     * A sweep that ran elsewhere (a {@link DistributedSweep}): its Δs and loss curves from the
     * groups' results, in the table's order and by the keys an in-process run gives them, so that
     * whoever reads {@link #deltas()} cannot tell where it ran. Results may be partial (an
     * interrupted run): it then holds the Δs of the groups that came back.
     */
    public static Sweep of(Experiment experiment, SweepPlan plan, List<GroupResult> results) {
        Sweep sweep = new Sweep(experiment);
        plan.deltas(results).forEach((run, t) -> {
            sweep.losses.put(run.deltaKey(), t.losses());
            sweep.deltas.put(run.deltaKey(), t.delta());
        });
        return sweep;
    }

    public List<ResultRow> run(Task task, Experiment.Settings base, int[] layers, double[] lassos, double[] groupLassos,
                               int[] nTrains, long[] seeds, boolean baselines, RunListener listener) {
        return run(SweepPlan.of(task, base, layers, lassos, groupLassos, nTrains, seeds, baselines,
                experiment.scorer(), experiment.model().config()), listener);
    }

    public List<ResultRow> run(SweepPlan plan, RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        Map<Integer, Experiment.Trained> trained = train(plan, report);
        List<ResultRow> rows = new ArrayList<>();
        for (RunSpec run : plan.runs()) {
            ResultRow row = GroupRunner.row(experiment, plan.groupOf(run), run, trained.get(run.index()));
            report.rowFinished(row);
            rows.add(row);
        }
        return rows;
    }

    /**
     * Trains every Δ of the plan, group by group, and evaluates nothing: the Δs by their run's
     * index. {@link #deltas()} and {@link #losses()} then hold them in the table's order. A
     * {@link LayerSelection} evaluates them on its validation pairs instead of the test pairs.
     */
    public Map<Integer, Experiment.Trained> train(SweepPlan plan, RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        losses.clear();
        deltas.clear();
        RunListener keep = new StepsPassedOn(report) {
            @Override
            public void deltaTrained(Experiment.Job job, Experiment.Trained t) {
                // Kept as each batch ends, so an interrupted sweep still holds what it trained.
                losses.put(key(job.settings()), t.result().losses());
                deltas.put(key(job.settings()), t.delta());
                report.deltaTrained(job, t);
            }
        };
        Map<Integer, Experiment.Trained> trained = new HashMap<>();
        for (RunGroup group : plan.groups()) {
            List<Experiment.Trained> these = GroupRunner.train(experiment, group, keep);
            for (int i = 0; i < these.size(); i++) trained.put(group.runs().get(i).index(), these.get(i));
        }
        // All trained: in the order of the table rather than of the batches (plots list them so).
        losses.clear();
        deltas.clear();
        for (RunSpec run : plan.runs()) {
            Experiment.Trained t = trained.get(run.index());
            if (t == null) continue;
            losses.put(run.deltaKey(), t.result().losses());
            deltas.put(run.deltaKey(), t.delta());
        }
        return trained;
    }

    private static String key(Experiment.Settings s) {
        return "layer " + s.layer() + " γ " + s.lasso() + " λ " + s.groupLasso() + " N " + s.nTrain() + " seed " + s.seed();
    }

    /** Loss per step of every Δ trained, by "layer L γ G λ L N N seed S". */
    public Map<String, List<Double>> losses() {
        return losses;
    }

    /** Every Δ trained, by the same keys as {@link #losses()}. */
    public Map<String, Delta> deltas() {
        return deltas;
    }
}
