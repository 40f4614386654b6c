package laai.eval;

import laai.intervention.Delta;
import laai.intervention.LossPath;
import laai.intervention.Optimizer;
import laai.intervention.Penalty;
import laai.intervention.WeightFit;
import laai.tasks.Pair;
import laai.tasks.Split;
import laai.tasks.Task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Composition: Δ_A and Δ_B, each learned on its own task at the same layer, added (a·Δ_A + b·Δ_B)
 * without re-optimisation and evaluated on the chained task x → B(A(x)); against a Δ optimised
 * on the chained task itself and against zero-shot. The chained test words are kept out of both
 * single tasks' training pairs. Its Δs and rows are reported to the listener as they finish, so
 * that an interrupt ({@link laai.runtime.Interrupted}) leaves them to the caller.
 */
public final class Composition {
    private final Experiment experiment;

    public Composition(Experiment experiment) {
        this.experiment = experiment;
    }

    /**
     * @param fitted  α·Δ_A + β·Δ_B with α, β fitted on the chained task's training pairs; null unless asked for
     * @param refined Δ_A + Δ_B (as weighted) re-optimised for a few steps; null unless asked for
     */
    public record Outcome(List<ResultRow> rows, Delta deltaA, Delta deltaB, Delta sum, Delta reoptimised,
                          Delta fitted, Delta refined) {}

    /**
     * Beyond the paper's sum: {@code fitSteps} Adam steps on the two weights (0: none), and
     * {@code refineSteps} optimiser steps from the sum (0: none), both on the chained task's
     * training pairs.
     */
    public record Beyond(int fitSteps, int refineSteps) {
        public Beyond {
            if (fitSteps < 0 || refineSteps < 0) {
                throw new IllegalArgumentException("--fit-steps and --refine-steps must be ≥ 0, got " + fitSteps + ", " + refineSteps);
            }
        }

        public static final Beyond NONE = new Beyond(0, 0);
    }

    public Outcome run(Task a, Task b, double weightA, double weightB, Experiment.Settings s, RunListener listener) {
        return run(a, b, weightA, weightB, s, Beyond.NONE, listener);
    }

    public Outcome run(Task a, Task b, double weightA, double weightB, Experiment.Settings s, Beyond beyond,
                       RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        Task chained = Task.chain(a, b);
        Split split = experiment.split(chained, s);
        Set<String> heldOut = new HashSet<>();
        Set<String> heldOutMiddle = new HashSet<>();
        for (Pair p : split.test()) heldOut.add(p.input().toLowerCase(Locale.ROOT));
        for (Pair p : a.pairs()) if (heldOut.contains(p.input().toLowerCase(Locale.ROOT))) heldOutMiddle.add(p.output().toLowerCase(Locale.ROOT));

        // Δ_A, Δ_B and the re-optimised Δ share layer and site: they train together as batched Δs.
        Split splitA = Split.of(without(a, heldOut), s.nTrain(), 1, s.seed());
        Split splitB = Split.of(without(b, heldOutMiddle), s.nTrain(), 1, s.seed());
        List<Experiment.Trained> trained = experiment.trainTogether(List.of(
                new Experiment.Job(experiment.objective(splitA), a.name(), s),
                new Experiment.Job(experiment.objective(splitB), b.name(), s),
                new Experiment.Job(experiment.objective(split), chained.name(), s)), report, System.nanoTime());
        Experiment.Trained trainedA = trained.get(0), trainedB = trained.get(1), reoptimised = trained.get(2);
        Delta sum = trainedA.delta().combine(weightA, trainedB.delta(), weightB);

        List<ResultRow> rows = new ArrayList<>();
        rows.add(finished(report, experiment.baseline(Method.ZERO_SHOT, split, s, 0)));
        long t0 = System.nanoTime();
        Evaluator.Metrics m = experiment.evaluateDelta(split.test(), sum, s.everyToken());
        double seconds = trainedA.seconds() + trainedB.seconds() + (System.nanoTime() - t0) / 1e9;
        rows.add(finished(report, experiment.row(Method.DELTA_SUM, split, s, m, sum.activeGroups(),
                trainedA.result().stepsRun() + trainedB.result().stepsRun(), seconds)));
        rows.add(finished(report, experiment.evaluate(Method.DELTA_REOPTIMIZED, split, s, reoptimised)));
        int baseSteps = trainedA.result().stepsRun() + trainedB.result().stepsRun();
        double baseSeconds = trainedA.seconds() + trainedB.seconds();
        Delta fitted = null, refined = null;
        if (beyond.fitSteps() > 0) {
            long t = System.nanoTime();
            WeightFit.Result fit;
            try (LossPath path = experiment.path(experiment.objective(split), s)) {
                fit = WeightFit.fit(path, experiment.model().manager(), trainedA.delta().values(), trainedB.delta().values(),
                        beyond.fitSteps(), s.optimizer().learningRate());
            }
            fitted = trainedA.delta().combine(fit.alpha(), trainedB.delta(), fit.beta());
            Evaluator.Metrics fm = experiment.evaluateDelta(split.test(), fitted, s.everyToken());
            rows.add(finished(report, experiment.row(Method.DELTA_FITTED, split, s, fm, fitted.activeGroups(),
                    baseSteps + fit.steps(), baseSeconds + (System.nanoTime() - t) / 1e9)));
        }
        if (beyond.refineSteps() > 0) {
            long t = System.nanoTime();
            Experiment.Settings brief = s.withOptimizer(new Optimizer.Settings(beyond.refineSteps(),
                    s.optimizer().learningRate(), s.optimizer().solver(), s.optimizer().patience(), s.optimizer().tolerance()));
            Optimizer.Result r;
            try (LossPath path = experiment.path(experiment.objective(split), brief)) {
                Optimizer o = new Optimizer(brief.optimizer(), new Penalty(s.lasso(), s.groupLasso(),
                        experiment.model().config().headDim()), report).startingAt(sum.values());
                r = o.minimise(path, experiment.model().manager(), sum.size());
            }
            refined = experiment.delta(r, chained.name(), brief);
            Evaluator.Metrics rm = experiment.evaluateDelta(split.test(), refined, s.everyToken());
            rows.add(finished(report, experiment.row(Method.DELTA_SUM_REFINED, split, s, rm, refined.activeGroups(),
                    baseSteps + r.stepsRun(), baseSeconds + (System.nanoTime() - t) / 1e9)));
        }
        return new Outcome(rows, trainedA.delta(), trainedB.delta(), sum, reoptimised.delta(), fitted, refined);
    }

    /** {@link #run} at each seed, one after another; the outcomes in seed order. */
    public List<Outcome> runSeeds(Task a, Task b, double weightA, double weightB, Experiment.Settings s, Beyond beyond,
                                  long[] seeds, RunListener listener) {
        List<Outcome> outcomes = new ArrayList<>();
        for (long seed : seeds) outcomes.add(run(a, b, weightA, weightB, s.withSeed(seed), beyond, listener));
        return outcomes;
    }

    /** The rows of every outcome, in order. */
    public static List<ResultRow> rows(List<Outcome> outcomes) {
        List<ResultRow> rows = new ArrayList<>();
        for (Outcome o : outcomes) rows.addAll(o.rows());
        return rows;
    }

    private static ResultRow finished(RunListener listener, ResultRow row) {
        listener.rowFinished(row);
        return row;
    }

    private static Task without(Task t, Set<String> inputs) {
        List<Pair> kept = t.pairs().stream().filter(p -> !inputs.contains(p.input().toLowerCase(Locale.ROOT))).toList();
        return new Task(t.name(), kept);
    }
}
