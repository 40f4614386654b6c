package laai.eval;

import laai.intervention.Objective;
import laai.runtime.Interrupted;
import laai.tasks.Split;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link RunGroup} of a sweep on a loaded model: the function that the in-process sweep
 * and every distributed worker share. Its result depends only on the model, the group and the
 * libtorch thread count, not on where or after what it runs.
 */
public final class GroupRunner {
    private GroupRunner() {}

    /**
     * Trains the group's Δs (none for a group of baselines), in the group's order. They share a
     * layer and site, so {@link Experiment#trainTogether} trains them as one batch. Runs of one
     * (N, seed) share one objective object, as the batch's clean passes are shared per example.
     */
    public static List<Experiment.Trained> train(Experiment experiment, RunGroup group, RunListener listener) {
        if (!group.trains()) return List.of();
        Map<String, Objective> objectives = new HashMap<>();
        List<Experiment.Job> jobs = new ArrayList<>();
        for (RunSpec run : group.runs()) {
            Objective objective = objectives.computeIfAbsent(run.nTrain() + " " + run.nTest() + " " + run.seed(),
                    k -> experiment.objective(split(group, run)));
            jobs.add(new Experiment.Job(objective, run.task(), run.settings()));
        }
        return experiment.trainTogether(jobs, listener, System.nanoTime());
    }

    /** One run's row: a baseline's evaluation, or the evaluation of the Δ trained for it. */
    public static ResultRow row(Experiment experiment, RunGroup group, RunSpec run, Experiment.Trained trained) {
        return row(experiment, run, split(group, run), trained);
    }

    /**
     * One run's row on the held-out pairs of {@code split}: its test pairs in a sweep, the
     * validation pairs in a {@link LayerSelection} ({@link laai.tasks.ValidationSplit#selection}).
     */
    static ResultRow row(Experiment experiment, RunSpec run, Split split, Experiment.Trained trained) {
        if (run.scorer() != experiment.scorer()) experiment = experiment.withScorer(run.scorer());
        Experiment.Settings s = run.settings();
        return switch (run.method()) {
            case ZERO_SHOT -> experiment.baseline(Method.ZERO_SHOT, split, s, 0);
            // Over a range of N, the few-shot baseline shows all N pairs when N is below --shots.
            case FEW_SHOT -> experiment.baseline(Method.FEW_SHOT, split, s, Math.min(s.shots(), split.train().size()));
            case DELTA -> experiment.evaluate(run.rowMethod(), split, s, trained);
            default -> throw new IllegalStateException("a sweep does not run " + run.method());
        };
    }

    /**
     * The whole group: trained, then every row (each told to {@code listener}). A failure names
     * the run it failed in (or, in training, the group's runs), so that a driver's error says
     * which specification to look at; an interrupt passes through unchanged.
     */
    public static GroupResult run(Experiment experiment, RunGroup group, RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        List<Experiment.Trained> trained;
        try {
            trained = train(experiment, group, report);
        } catch (Interrupted e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SweepRunException("training failed in " + group.describe() + ": " + e, e);
        }
        List<ResultRow> rows = new ArrayList<>();
        List<GroupResult.TrainedRun> deltas = new ArrayList<>();
        for (int i = 0; i < group.runs().size(); i++) {
            RunSpec run = group.runs().get(i);
            Experiment.Trained t = group.trains() ? trained.get(i) : null;
            try {
                ResultRow row = row(experiment, group, run, t);
                report.rowFinished(row);
                rows.add(row);
            } catch (Interrupted e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SweepRunException(run.describe() + " failed: " + e, e);
            }
            if (t != null) deltas.add(new GroupResult.TrainedRun(run.index(), run.deltaKey(), t.delta(), t.result().losses()));
        }
        return new GroupResult(group.index(), rows, deltas);
    }

    private static Split split(RunGroup group, RunSpec run) {
        return Split.of(group.task(), run.nTrain(), run.nTest(), run.seed());
    }
}
