package laai.intervention;

import ai.djl.ndarray.NDManager;
import laai.runtime.Interrupted;

import java.util.ArrayList;
import java.util.List;

/**
 * Minimises loss(Δ) + penalty(Δ) from Δ = 0 (or a given start). Adam's state lives in Java and Δ is a fresh leaf
 * every step, so no gradient accumulates and nothing is updated in place under autograd. Stops
 * early when the objective has not improved for {@code patience} steps, on a non-finite loss, or
 * when the thread is interrupted; in every case the best Δ seen so far is returned.
 */
public final class Optimizer {

    public record Settings(int steps, double learningRate, Solver solver, int patience, double tolerance) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate (--lr) must be a finite number > 0, got " + learningRate);
            }
            // With patience 0 the first step would already count as no improvement: Δ = 0, silently.
            if (patience < 1) throw new IllegalArgumentException("patience must be ≥ 1, got " + patience);
            if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be a finite number ≥ 0, got " + tolerance);
            }
        }

        public static Settings defaults() {
            return new Settings(200, 0.05, Solver.PROXIMAL, 50, 1e-4);
        }
    }

    /** Why an optimisation ended: what code decides on. */
    public enum Stop {
        /** Ran every step it was given. */
        COMPLETED,
        /** No improvement for {@code patience} steps. */
        EARLY_STOP,
        /** The loss or the gradient was NaN or infinite: the best Δ before it is kept. */
        NON_FINITE,
        /** The thread was interrupted: the best Δ so far is kept. */
        INTERRUPTED;

        /** As written in a Δ's metadata ({@code stop}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** The stop a label names; null for none or an unknown one (a Δ saved before the label existed). */
        public static Stop ofLabel(String label) {
            for (Stop s : values()) if (s.label().equals(label)) return s;
            return null;
        }
    }

    /**
     * What the optimisation produced; {@code stop} says why it ended, {@code stopReason} the same
     * for people (with the step and the values).
     */
    public record Result(float[] delta, double loss, double objective, int bestStep, int stepsRun,
                         Stop stop, String stopReason, List<Double> losses, int activeGroups) {}

    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private final Settings settings;
    private final Penalty penalty;
    private final StepListener listener;
    private final float[] start; // null: Δ = 0

    public Optimizer(Settings settings, Penalty penalty, StepListener listener) {
        this(settings, penalty, listener, null);
    }

    private Optimizer(Settings settings, Penalty penalty, StepListener listener, float[] start) {
        this.settings = settings;
        this.penalty = penalty;
        this.listener = listener == null ? StepListener.NONE : listener;
        this.start = start == null ? null : start.clone();
    }

    /**
     * The same optimiser starting from {@code start} instead of Δ = 0 (composition refines
     * Δ_A + Δ_B this way); the starting point is the first best Δ, so the result is never worse.
     */
    public Optimizer startingAt(float[] start) {
        return new Optimizer(settings, penalty, listener, start);
    }

    /** Trains one Δ on {@code path} from Δ = 0. */
    public Result minimise(LossPath path, NDManager manager, int size) {
        return minimiseTogether(path, manager, size, List.of(this)).get(0);
    }

    /** Steps between two returns of the C heap's free pages ({@link laai.runtime.Memory#returnFreeHeap}). */
    static final int TRIM_EVERY = 25;

    /**
     * Trains the {@code path.deltas()} Δs of a batched path at once, Δ k with the settings,
     * penalty and listener of {@code optimizers.get(k)}: each has its own Adam state, proximal
     * step, early stopping and best Δ, and leaves the batch when it stops, while one loss and one
     * backward pass per step serve all those still training.
     */
    public static List<Result> minimiseTogether(LossPath path, NDManager manager, int size, List<Optimizer> optimizers) {
        if (optimizers.size() != path.deltas()) {
            throw new IllegalArgumentException(optimizers.size() + " optimisers for a path of " + path.deltas() + " Δs");
        }
        List<Optimizer.Run> runs = new ArrayList<>();
        for (Optimizer o : optimizers) runs.add(o.new Run(size, runs.size(), optimizers.size()));
        for (int step = 1; ; step++) {
            List<Run> active = new ArrayList<>();
            for (Run r : runs) if (!r.done) active.add(r);
            if (active.isEmpty()) break;
            if (Thread.currentThread().isInterrupted() || !step(path, manager, runs, active, step)) {
                // Interrupted between steps or during one (the model's layers throw Interrupted):
                // every Δ keeps its best so far, and the caller, seeing the flag, reports them.
                for (Run r : active) r.stop(Stop.INTERRUPTED, "interrupted before step " + step, step - 1);
                break;
            }
            if (step % TRIM_EVERY == 0) laai.runtime.Memory.returnFreeHeap();
        }
        List<Result> results = new ArrayList<>();
        for (Run r : runs) results.add(r.result());
        return results;
    }

    /**
     * One step of the Δs still training; false when an interrupt stopped it, before any Δ changed.
     * A non-finite loss stops its Δ and the step is computed again for the others: through the
     * shared attention, its NaN rows would otherwise reach their gradients.
     */
    private static boolean step(LossPath path, NDManager manager, List<Run> runs, List<Run> active, int step) {
        try {
            while (!active.isEmpty()) {
                int[] which = new int[active.size()];
                List<float[]> deltas = new ArrayList<>();
                for (int a = 0; a < which.length; a++) {
                    which[a] = runs.indexOf(active.get(a));
                    deltas.add(active.get(a).delta);
                }
                LossGradient at = LossGradient.at(path, manager, which, deltas);
                if (!at.finite()) {
                    List<Run> diverged = new ArrayList<>();
                    for (int a = 0; a < which.length; a++) {
                        double loss = at.losses()[a];
                        if (Double.isFinite(loss)) continue;
                        active.get(a).stop(Stop.NON_FINITE, "stopped: non-finite loss (" + loss + ") at step " + step, step);
                        diverged.add(active.get(a));
                    }
                    active.removeAll(diverged);
                    continue;
                }
                for (int a = 0; a < active.size(); a++) active.get(a).step(step, at.losses()[a], at.gradients()[a]);
                break;
            }
            return true;
        } catch (Interrupted e) {
            return false;
        }
    }

    /** One Δ's optimisation state. */
    private final class Run {
        final float[] delta, m, v;
        float[] best;
        double bestObjective = Double.POSITIVE_INFINITY, bestLoss = Double.NaN;
        int bestStep, sinceImproved, stepsRun;
        Stop stop = Stop.COMPLETED;
        String reason = "completed " + settings.steps() + " steps";
        final List<Double> losses = new ArrayList<>();
        boolean done;
        final int index, count; // this Δ among those trained together

        Run(int size, int index, int count) {
            this.index = index;
            this.count = count;
            if (start != null && start.length != size) {
                throw new IllegalArgumentException("a starting Δ of size " + start.length + " for a site of size " + size);
            }
            delta = start == null ? new float[size] : start.clone();
            m = new float[size];
            v = new float[size];
            best = delta.clone();
        }

        void stop(Stop kind, String why, int steps) {
            stop = kind;
            reason = why;
            stepsRun = steps;
            done = true;
        }

        /** Takes the loss and gradient at the current Δ (step {@code step}) and updates Δ. */
        void step(int step, double loss, float[] grad) {
            if (!allFinite(grad)) {
                stop(Stop.NON_FINITE, "stopped: non-finite gradient at step " + step, step);
                return;
            }
            double objective = loss + penalty.value(delta);
            losses.add(loss);
            listener.onStep(index, count, step, settings.steps(), loss, objective, penalty.activeGroups(delta));
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
                stop(Stop.EARLY_STOP, "early stop at step " + step + " (no improvement for " + settings.patience() + " steps)", step);
                return;
            }
            if (settings.solver() == Solver.SUBGRADIENT) penalty.addSubgradient(delta, grad);
            double[] steps = adam(delta, grad, m, v, step);
            if (settings.solver() == Solver.PROXIMAL) penalty.prox(delta, steps);
            stepsRun = step;
            if (step >= settings.steps()) done = true;
        }

        Result result() {
            return new Result(best, bestLoss, bestObjective, bestStep, stepsRun, stop, reason, losses, penalty.activeGroups(best));
        }
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
