package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Composition;
import laai.eval.Experiment;
import laai.eval.StepsPassedOn;
import laai.eval.Finished;
import laai.eval.Method;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %compose A B --layer L}: Δ_A + Δ_B, without re-optimisation, on the chained task
 * x → B(A(x)), against a Δ optimised on the chained task and against zero-shot; and between the
 * two, at a fraction of re-optimisation's cost, the sum with its two weights fitted and the sum
 * refined for a few steps ({@link Composition.Beyond}).
 */
final class ComposeMagic extends MagicCommand {

    /** The CLI's defaults (compose --fit-steps 50 --refine-steps 20). */
    static final Composition.Beyond DEFAULT_BEYOND = new Composition.Beyond(50, 20);

    ComposeMagic() {
        super(TrainingOptions.syntax("compose",
                String.join(System.lineSeparator(),
                        "usage: %compose A B --layer L [--weights a,b] [--fit-steps N] [--refine-steps N] [--train N]",
                        "                [--test M] [--lasso G] [--group-lasso L] [--seed S | --seeds S,...]",
                        "                [--scorer fv|strict] [--steps K] ..."),
                String.join(System.lineSeparator(),
                        "Learns Δ_A on task A and Δ_B on task B at layer L, adds them (a·Δ_A + b·Δ_B) and evaluates",
                        "the sum on the chained task x → B(A(x)) (e.g. antonym then english-french), against a Δ",
                        "optimised on the chained task itself and against zero-shot; between the two, the sum with",
                        "its weights α, β fitted on the chained task's training pairs (delta-fitted) and the sum",
                        "re-optimised for a few steps (delta-sum-refined); steps and seconds of each row count Δ_A's",
                        "and Δ_B's training too. Keeps Δ_A and Δ_B under the tasks' names, the sum as A+B, the",
                        "fitted sum as A+B-fitted, the refined sum as A+B-refined and the re-optimised Δ as A->B.",
                        "An interrupt stops it at the next step or batch; it keeps exactly what it finished: the rows,",
                        "and the Δs trained (fully or up to the interrupt) as A-interrupted, B-interrupted and",
                        "A->B-interrupted.",
                        "  A B            two task names or .json files",
                        "  --layer L      layer, counted from 0",
                        "  --weights a,b  the weights of the sum (default 1,1)",
                        "  --fit-steps N  Adam steps fitting α, β of α·Δ_A + β·Δ_B from (1, 1) (default "
                                + DEFAULT_BEYOND.fitSteps() + "; 0: skip)",
                        "  --refine-steps N  optimiser steps from the sum (default " + DEFAULT_BEYOND.refineSteps() + "; 0: skip)",
                        "  --seeds S,...  run at each seed (replaces --seed): each method's mean over seeds, with a",
                        "                 bootstrap interval over seeds and test items; the Δs kept are the first seed's"),
                MagicsArgs.builder().required("A").required("B"), false,
                List.of("layer", "weights", "fit-steps", "refine-steps", "seeds"), Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        int layer = a.requiredInteger("layer");
        double[] weights = a.numbers("weights", new double[] {1, 1});
        if (weights.length != 2) {
            throw a.problem("--weights: expected two numbers a,b, got " + weights.length);
        }
        Composition.Beyond beyond = beyond(a);
        Experiment.Settings s = TrainingOptions.settings(a, layer);
        Task taskA = Tasks.resolve(a.required("A"), session.repository()).requireRule("%compose");
        Task taskB = Tasks.resolve(a.required("B"), session.repository()).requireRule("%compose");
        long[] seeds = TrainingOptions.seeds(a, s);
        Experiment experiment = TrainingOptions.experiment(a, session);
        experiment.checkLayer(layer);
        String chained = taskA.name() + "->" + taskB.name();

        // Per seed: Δ_A, Δ_B and the re-optimised Δ trained together, then the refinement alone. The
        // weight fit between them reports no steps (two parameters); a note names it instead.
        List<TrainingProgress.Run> runs = new ArrayList<>();
        for (long seed : seeds) {
            String at = seeds.length == 1 ? "" : ", seed " + seed;
            int steps = s.optimizer().steps();
            runs.add(new TrainingProgress.Run("Δ_A (" + taskA.name() + at + ")", steps));
            runs.add(new TrainingProgress.Run("Δ_B (" + taskB.name() + at + ")", steps));
            runs.add(new TrainingProgress.Run("Δ re-optimised on " + chained + at, steps));
            if (beyond.refineSteps() > 0) {
                runs.add(new TrainingProgress.Run("Δ_A + Δ_B refined on " + chained + at, beyond.refineSteps()));
            }
        }
        TrainingProgress progress = new TrainingProgress(host, "%compose " + chained + ", layer " + layer, runs,
                InterveneMagic.heads(experiment, s));
        String title = String.format(Locale.ROOT, "%%compose %s + %s on %s, layer %d (weights %s,%s%s)",
                taskA.name(), taskB.name(), chained, layer, num(weights[0]), num(weights[1]), seedsNote(seeds));
        Finished finished = new Finished(new Phases(progress, beyond, chained));
        Composition.Outcome out;
        List<ResultRow> rows;
        try {
            List<Composition.Outcome> outcomes = new Composition(experiment).runSeeds(taskA, taskB, weights[0], weights[1],
                    s, beyond, seeds, finished);
            out = outcomes.get(0);
            rows = SeedAggregate.aggregate(Composition.rows(outcomes));
        } catch (Interrupted e) {
            // Δ_A, Δ_B and the re-optimised Δ are named after their tasks (A, B, A->B), as a finished run names them.
            throw InterruptedRun.keep(e, "%compose", title, finished, session, d -> d.job().task());
        }
        TrainingChecks.checkDelta(out.deltaA(), "Δ_A (" + taskA.name() + ")", s);
        TrainingChecks.checkDelta(out.deltaB(), "Δ_B (" + taskB.name() + ")", s);
        TrainingChecks.checkDelta(out.reoptimised(), "the Δ re-optimised on " + chained, s);
        if (out.refined() != null) {
            TrainingChecks.checkDelta(out.refined(), "Δ_A + Δ_B refined on " + chained, s);
        }
        progress.finish(out.fitted() == null ? "done" : "done · fitted α, β = " + fittedWeights(out.fitted()));

        Table table = ResultTables.of(title, rows);
        session.putDelta(taskA.name(), out.deltaA());
        session.putDelta(taskB.name(), out.deltaB());
        String sum = taskA.name() + "+" + taskB.name();
        session.putDelta(sum, out.sum());
        session.putDelta(chained, out.reoptimised());
        if (out.fitted() != null) {
            session.putDelta(sum + "-fitted", out.fitted());
        }
        if (out.refined() != null) {
            session.putDelta(sum + "-refined", out.refined());
        }
        session.record(table, rows);
        return table;
    }

    /** --fit-steps and --refine-steps, checked before any work with the engine's message. */
    static Composition.Beyond beyond(Args a) {
        int fitSteps = a.integer("fit-steps", DEFAULT_BEYOND.fitSteps());
        int refineSteps = a.integer("refine-steps", DEFAULT_BEYOND.refineSteps());
        try {
            return new Composition.Beyond(fitSteps, refineSteps);
        } catch (IllegalArgumentException e) {
            throw a.problem(e.getMessage());
        }
    }

    /**
     * Names the phases after the re-optimised Δ on the progress bar: the rows finish in order
     * (zero-shot, delta-sum, delta-reoptimized, delta-fitted, delta-sum-refined), so each row says
     * what comes next. Everything goes on to the progress bar.
     */
    private static final class Phases extends StepsPassedOn {
        private final TrainingProgress progress;
        private final Composition.Beyond beyond;
        private final String chained;

        Phases(TrainingProgress progress, Composition.Beyond beyond, String chained) {
            super(progress);
            this.progress = progress;
            this.beyond = beyond;
            this.chained = chained;
        }

        @Override
        public void rowFinished(ResultRow row) {
            boolean fitNext = row.method() == Method.DELTA_REOPTIMIZED && beyond.fitSteps() > 0;
            boolean refineNext = (row.method() == Method.DELTA_REOPTIMIZED && beyond.fitSteps() == 0
                    || row.method() == Method.DELTA_FITTED) && beyond.refineSteps() > 0;
            if (fitNext) {
                progress.note("fitting α, β of α·Δ_A + β·Δ_B on " + chained + " (" + beyond.fitSteps() + " Adam steps)");
            } else if (refineNext) {
                progress.note("refining Δ_A + Δ_B on " + chained + " (" + beyond.refineSteps() + " steps)");
            }
        }
    }

    /** "0.912, 1.27": the α, β that Delta.combine wrote into the fitted Δ's metadata. */
    private static String fittedWeights(laai.intervention.Delta fitted) {
        String[] ab = fitted.metadata().getOrDefault("weights", "").split(",");
        if (ab.length != 2) return "?";
        return String.format(Locale.ROOT, "%.3g, %.3g", Double.parseDouble(ab[0]), Double.parseDouble(ab[1]));
    }

    /** ", seeds 0,1,2" where several seeds were run. */
    static String seedsNote(long[] seeds) {
        if (seeds.length == 1) return "";
        return ", seeds " + String.join(",", java.util.Arrays.stream(seeds).mapToObj(String::valueOf).toList());
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
