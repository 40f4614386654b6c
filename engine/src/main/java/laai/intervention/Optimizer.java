package laai.intervention;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Minimises loss(Δ) + penalty(Δ) from Δ = 0. Adam's state lives in Java and Δ is a fresh leaf
 * every step, so no gradient accumulates and nothing is updated in place under autograd. Stops
 * early when the objective has not improved for {@code patience} steps, on a non-finite loss, or
 * when the thread is interrupted; in every case the best Δ seen so far is returned.
 */
public final class Optimizer {

    public record Settings(int steps, double learningRate, Solver solver, int patience, double tolerance) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0");
        }

        public static Settings defaults() {
            return new Settings(200, 0.05, Solver.PROXIMAL, 50, 1e-4);
        }
    }

    /** What the optimisation produced; {@code stopReason} says why it ended. */
    public record Result(float[] delta, double loss, double objective, int bestStep, int stepsRun,
                         String stopReason, List<Double> losses, int activeGroups) {}

    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private final Settings settings;
    private final Penalty penalty;
    private final StepListener listener;

    public Optimizer(Settings settings, Penalty penalty, StepListener listener) {
        this.settings = settings;
        this.penalty = penalty;
        this.listener = listener == null ? StepListener.NONE : listener;
    }

    public Result minimise(LossPath path, NDManager manager, int size) {
        float[] delta = new float[size], m = new float[size], v = new float[size];
        float[] best = delta.clone();
        double bestObjective = Double.POSITIVE_INFINITY, bestLoss = Double.NaN;
        int bestStep = 0, sinceImproved = 0, step = 0;
        String reason = "completed " + settings.steps() + " steps";
        List<Double> losses = new ArrayList<>();
        Engine engine = Engine.getEngine("PyTorch");
        for (step = 1; step <= settings.steps(); step++) {
            if (Thread.currentThread().isInterrupted()) {
                reason = "interrupted before step " + step;
                step--;
                break;
            }
            float[] grad;
            double loss;
            try (NDScope ignored = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
                NDArray d = manager.create(delta);
                d.setRequiresGradient(true);
                NDArray l = path.loss(d);
                loss = l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                if (!Double.isFinite(loss)) {
                    reason = "stopped: non-finite loss (" + loss + ") at step " + step;
                    break;
                }
                gc.backward(l);
                grad = d.getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
            if (!allFinite(grad)) {
                reason = "stopped: non-finite gradient at step " + step;
                break;
            }
            double objective = loss + penalty.value(delta);
            losses.add(loss);
            listener.onStep(step, settings.steps(), loss, objective, penalty.activeGroups(delta));
            if (objective < bestObjective - settings.tolerance() * Math.max(1, Math.abs(bestObjective))) {
                sinceImproved = 0;
            } else {
                sinceImproved++;
            }
            if (objective < bestObjective) {
                bestObjective = objective;
                bestLoss = loss;
                best = delta.clone();
                bestStep = step;
            }
            if (sinceImproved >= settings.patience()) {
                reason = "early stop at step " + step + " (no improvement for " + settings.patience() + " steps)";
                break;
            }
            if (settings.solver() == Solver.SUBGRADIENT) penalty.addSubgradient(delta, grad);
            double[] steps = adam(delta, grad, m, v, step);
            if (settings.solver() == Solver.PROXIMAL) penalty.prox(delta, steps);
        }
        int run = Math.min(step, settings.steps());
        return new Result(best, bestLoss, bestObjective, bestStep, run, reason, losses, penalty.activeGroups(best));
    }

    /** One Adam step in place; returns each entry's effective step lr / (√v̂ + ε). */
    private double[] adam(float[] w, float[] g, float[] m, float[] s, int t) {
        double c1 = 1 - StrictMath.pow(BETA1, t), c2 = 1 - StrictMath.pow(BETA2, t), lr = settings.learningRate();
        double[] steps = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
            s[i] = (float) (BETA2 * s[i] + (1 - BETA2) * g[i] * g[i]);
            steps[i] = lr / (Math.sqrt(s[i] / c2) + EPS);
            w[i] -= (float) (steps[i] * (m[i] / c1));
        }
        return steps;
    }

    private static boolean allFinite(float[] x) {
        for (float f : x) if (!Float.isFinite(f)) return false;
        return true;
    }

}
