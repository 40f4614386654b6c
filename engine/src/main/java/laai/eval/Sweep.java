package laai.eval;

import laai.intervention.Delta;
import laai.intervention.Objective;
import laai.tasks.Split;
import laai.tasks.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers × γ × λ × N × seeds into one table: one "delta" row per combination, plus zero-shot and
 * few-shot rows once per (N, seed). Keeps every Δ's loss curve for the loss-per-step plot.
 *
 * <p>An interrupt ({@link laai.runtime.Interrupted}) stops it between steps and batches; its
 * {@link #deltas()} and {@link #losses()} then hold the Δs trained so far, and the listener has
 * seen the rows finished so far.
 */
public final class Sweep {
    private final Experiment experiment;
    private final Map<String, List<Double>> losses = new LinkedHashMap<>();
    private final Map<String, Delta> deltas = new LinkedHashMap<>();

    public Sweep(Experiment experiment) {
        this.experiment = experiment;
    }

    public List<ResultRow> run(Task task, Experiment.Settings base, int[] layers, double[] lassos, double[] groupLassos,
                               int[] nTrains, long[] seeds, boolean baselines, RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        for (int layer : layers) experiment.checkLayer(layer);
        // Every Δ of the sweep first, so that those at one layer train together as batched Δs;
        // then the rows, in the order of the loops.
        List<Experiment.Job> jobs = new ArrayList<>();
        List<Split> splits = new ArrayList<>();
        for (int n : nTrains) {
            for (long seed : seeds) {
                Experiment.Settings s0 = base.withTrain(n).withSeed(seed);
                Split split = experiment.split(task, s0);
                Objective objective = experiment.objective(split);
                for (int layer : layers) {
                    for (double g : lassos) {
                        for (double l : groupLassos) {
                            jobs.add(new Experiment.Job(objective, task.name(), s0.withLayer(layer).withPenalty(g, l)));
                            splits.add(split);
                        }
                    }
                }
            }
        }
        List<Experiment.Trained> trained = experiment.trainTogether(jobs, new RunListener() {
            @Override
            public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
                report.onStep(step, steps, loss, objective, activeHeads);
            }

            @Override
            public void onStep(int delta, int count, int step, int steps, double loss, double objective, int heads) {
                report.onStep(delta, count, step, steps, loss, objective, heads);
            }

            @Override
            public void deltaTrained(Experiment.Job job, Experiment.Trained t) {
                // Kept as each batch ends, so an interrupted sweep still holds what it trained.
                losses.put(key(job.settings()), t.result().losses());
                deltas.put(key(job.settings()), t.delta());
                report.deltaTrained(job, t);
            }
        }, System.nanoTime());
        // All trained: in the order of the loops rather than of the batches (plots list them so).
        losses.clear();
        deltas.clear();
        for (int j = 0; j < jobs.size(); j++) {
            losses.put(key(jobs.get(j).settings()), trained.get(j).result().losses());
            deltas.put(key(jobs.get(j).settings()), trained.get(j).delta());
        }
        List<ResultRow> rows = new ArrayList<>();
        Split baselinesDone = null;
        for (int j = 0; j < jobs.size(); j++) {
            Experiment.Settings s = jobs.get(j).settings();
            Split split = splits.get(j);
            if (baselines && split != baselinesDone) {
                rows.add(finished(report, experiment.baseline("zero-shot", split, s, 0)));
                // Over a range of N, the few-shot baseline shows all N pairs when N is below --shots.
                rows.add(finished(report, experiment.baseline("few-shot", split, s, Math.min(s.shots(), split.train().size()))));
                baselinesDone = split;
            }
            String method = s.lasso() == 0 && s.groupLasso() == 0 ? "delta-unregularized" : "delta";
            rows.add(finished(report, experiment.evaluate(method, split, s, trained.get(j))));
        }
        return rows;
    }

    private static String key(Experiment.Settings s) {
        return "layer " + s.layer() + " γ " + s.lasso() + " λ " + s.groupLasso() + " N " + s.nTrain() + " seed " + s.seed();
    }

    private static ResultRow finished(RunListener listener, ResultRow row) {
        listener.rowFinished(row);
        return row;
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
