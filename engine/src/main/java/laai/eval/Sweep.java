package laai.eval;

import laai.intervention.Delta;
import laai.intervention.Objective;
import laai.intervention.StepListener;
import laai.tasks.Split;
import laai.tasks.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers × γ × λ × N × seeds into one table: one "delta" row per combination, plus zero-shot and
 * few-shot rows once per (N, seed). Keeps every Δ's loss curve for the loss-per-step plot.
 */
public final class Sweep {
    private final Experiment experiment;
    private final Map<String, List<Double>> losses = new LinkedHashMap<>();
    private final Map<String, Delta> deltas = new LinkedHashMap<>();

    public Sweep(Experiment experiment) {
        this.experiment = experiment;
    }

    public List<ResultRow> run(Task task, Experiment.Settings base, int[] layers, double[] lassos, double[] groupLassos,
                               int[] nTrains, long[] seeds, boolean baselines, StepListener listener) {
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
        List<Experiment.Trained> trained = experiment.trainTogether(jobs, listener, System.nanoTime());
        List<ResultRow> rows = new ArrayList<>();
        Split baselinesDone = null;
        for (int j = 0; j < jobs.size(); j++) {
            Experiment.Settings s = jobs.get(j).settings();
            Split split = splits.get(j);
            if (baselines && split != baselinesDone) {
                rows.add(experiment.baseline("zero-shot", split, s, 0));
                // Over a range of N, the few-shot baseline shows all N pairs when N is below --shots.
                rows.add(experiment.baseline("few-shot", split, s, Math.min(s.shots(), split.train().size())));
                baselinesDone = split;
            }
            Experiment.Trained t = trained.get(j);
            String method = s.lasso() == 0 && s.groupLasso() == 0 ? "delta-unregularized" : "delta";
            rows.add(experiment.evaluate(method, split, s, t));
            String key = "layer " + s.layer() + " γ " + s.lasso() + " λ " + s.groupLasso() + " N " + s.nTrain()
                    + " seed " + s.seed();
            losses.put(key, t.result().losses());
            deltas.put(key, t.delta());
        }
        return rows;
    }

    public Map<String, List<Double>> losses() {
        return losses;
    }

    public Map<String, Delta> deltas() {
        return deltas;
    }
}
