package laai.eval;

import laai.intervention.Delta;
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
        List<ResultRow> rows = new ArrayList<>();
        for (int n : nTrains) {
            for (long seed : seeds) {
                Experiment.Settings s0 = base.withTrain(n).withSeed(seed);
                Split split = experiment.split(task, s0);
                if (baselines) {
                    rows.add(experiment.baseline("zero-shot", split, s0, 0));
                    rows.add(experiment.baseline("few-shot", split, s0, s0.shots()));
                }
                for (int layer : layers) {
                    for (double g : lassos) {
                        for (double l : groupLassos) {
                            Experiment.Settings s = s0.withLayer(layer).withPenalty(g, l);
                            Experiment.Trained t = experiment.train(split, s, listener);
                            String method = g == 0 && l == 0 ? "delta-unregularized" : "delta";
                            rows.add(experiment.evaluate(method, split, s, t));
                            String key = "layer " + layer + " γ " + g + " λ " + l + " N " + n + " seed " + seed;
                            losses.put(key, t.result().losses());
                            deltas.put(key, t.delta());
                        }
                    }
                }
            }
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
