package laai.magics;

import java.util.List;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Composition;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %compose A B --layer L}: Δ_A + Δ_B, without re-optimisation, on the chained task
 * x → B(A(x)), against a Δ optimised on the chained task and against zero-shot.
 */
final class ComposeMagic implements MagicCommand {

    private static final Syntax SYNTAX = new Syntax("compose",
            String.join(System.lineSeparator(),
                    "usage: %compose A B --layer L [--weights a,b] [--train N] [--test M] [--lasso G]",
                    "                [--group-lasso L] [--seed S | --seeds S,...] [--scorer fv|strict] [--steps K] ..."),
            String.join(System.lineSeparator(),
                    "Learns Δ_A on task A and Δ_B on task B at layer L, adds them (a·Δ_A + b·Δ_B) and evaluates",
                    "the sum on the chained task x → B(A(x)) (e.g. antonym then english-french), against a Δ",
                    "optimised on the chained task itself and against zero-shot. Keeps Δ_A and Δ_B under the",
                    "tasks' names, the sum as A+B and the re-optimised Δ as A->B. An interrupt stops it at the",
                    "next step or batch; it keeps exactly what it finished: the rows, and the Δs trained (fully",
                    "or up to the interrupt) as A-interrupted, B-interrupted and A->B-interrupted.",
                    "  A B            two task names or .json files",
                    "  --layer L      layer, counted from 0",
                    "  --weights a,b  the weights of the sum (default 1,1)",
                    "  --seeds S,...  run at each seed (replaces --seed): each method's mean over seeds, with a",
                    "                 bootstrap interval over seeds and test items; the Δs kept are the first seed's",
                    InterventionOptions.help(false)),
            InterventionOptions.declare(MagicsArgs.builder().required("A").required("B")
                    .keyword("layer", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("weights", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("seeds", MagicsArgs.KeywordSpec.ONCE), false)
                    .onlyKnownKeywords().onlyKnownFlags().build(),
            InterventionOptions.SWITCHES);

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        int layer = a.requiredInteger("layer");
        double[] weights = a.numbers("weights", new double[] {1, 1});
        if (weights.length != 2) {
            throw a.problem("--weights: expected two numbers a,b, got " + weights.length);
        }
        Experiment.Settings s = InterventionOptions.settings(a, layer);
        Task taskA = Tasks.resolve(a.required("A"), session.repository()).requireRule("%compose");
        Task taskB = Tasks.resolve(a.required("B"), session.repository()).requireRule("%compose");
        long[] seeds = InterventionOptions.seeds(a, s);
        Experiment experiment = InterventionOptions.experiment(a, session);
        experiment.checkLayer(layer);
        String chained = taskA.name() + "->" + taskB.name();

        List<String> runNames = new java.util.ArrayList<>();
        for (long seed : seeds) {
            String at = seeds.length == 1 ? "" : ", seed " + seed;
            runNames.addAll(List.of("Δ_A (" + taskA.name() + at + ")", "Δ_B (" + taskB.name() + at + ")",
                    "Δ re-optimised on " + chained + at));
        }
        TrainingProgress progress = new TrainingProgress(host, "%compose " + chained + ", layer " + layer,
                runNames.size(), s.optimizer().steps(), InterveneMagic.heads(experiment, s), runNames);
        String title = String.format(Locale.ROOT, "%%compose %s + %s on %s, layer %d (weights %s,%s%s)",
                taskA.name(), taskB.name(), chained, layer, num(weights[0]), num(weights[1]), seedsNote(seeds));
        Finished finished = new Finished(progress);
        Composition.Outcome out;
        List<ResultRow> rows;
        try {
            List<Composition.Outcome> outcomes = new Composition(experiment).runSeeds(taskA, taskB, weights[0], weights[1],
                    s, Composition.Beyond.NONE, seeds, finished);
            out = outcomes.get(0);
            rows = SeedAggregate.aggregate(Composition.rows(outcomes));
        } catch (Interrupted e) {
            // Δ_A, Δ_B and the re-optimised Δ are named after their tasks (A, B, A->B), as a finished run names them.
            throw InterruptedRun.keep(e, "%compose", title, finished, session, d -> d.job().task());
        }
        TrainingChecks.checkDelta(out.deltaA(), "Δ_A (" + taskA.name() + ")", s);
        TrainingChecks.checkDelta(out.deltaB(), "Δ_B (" + taskB.name() + ")", s);
        TrainingChecks.checkDelta(out.reoptimised(), "the Δ re-optimised on " + chained, s);
        progress.finish("done");

        Table table = ResultTables.of(title, rows);
        session.putDelta(taskA.name(), out.deltaA());
        session.putDelta(taskB.name(), out.deltaB());
        session.putDelta(taskA.name() + "+" + taskB.name(), out.sum());
        session.putDelta(chained, out.reoptimised());
        session.record(table, rows);
        return table;
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
