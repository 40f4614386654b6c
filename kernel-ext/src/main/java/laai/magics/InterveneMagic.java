package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Controls;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.intervention.Delta;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.DistributionTask;
import laai.tasks.Split;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %intervene}: the paper's comparison on one task at one layer — zero-shot, few-shot, Δ
 * without regularisation, Δ — with a live progress bar over both trainings; with {@code --controls R},
 * two rows that need no optimisation ({@link Controls}): is it Δ's direction, or any push of its size?
 *
 * <p>It runs the steps of {@code Experiment.intervene} itself rather than calling it, so that it
 * can name the training in progress and stop with a clear message when a training diverges. An
 * interrupt keeps what was finished (see {@link Session}).
 */
final class InterveneMagic implements MagicCommand {

    private static final Syntax SYNTAX = new Syntax("intervene",
            String.join(System.lineSeparator(),
                    "usage: %intervene --task T --layer L [--train N] [--test M] [--lasso G] [--group-lasso L]",
                    "                  [--site heads|residual] [--seed S] [--steps K] [--lr R] [--shots K]",
                    "                  [--solver proximal|subgradient] [--patience P] [--every-token] [--naive]",
                    "                  [--seeds S,...] [--scorer fv|strict] [--controls R] [--name NAME]"),
            String.join(System.lineSeparator(),
                    "Learns Δ for task T at layer L on N training pairs and compares, on held-out test pairs,",
                    "zero-shot, few-shot prompting, Δ without regularisation (γ = λ = 0) and Δ. Returns the",
                    "table (also Laai.session().lastTable()); keeps Δ as Laai.session().delta(NAME) and the",
                    "unregularised one as NAME-unregularized. On a distribution task (opinion dynamics) the",
                    "rows are scored by mean KL(q ‖ p) over the options (column kl) instead of exact match.",
                    "An interrupt stops it at the next step or batch. It keeps exactly what it finished: the rows",
                    "(allRows(), and lastTable() titled '(interrupted)') and the Δs trained, fully or up to the",
                    "interrupt, as NAME-interrupted and NAME-unregularized-interrupted (their stop_reason says",
                    "which); the interrupt's message lists them. Nothing else changes, then or later.",
                    "  --task T      task name or .json file (default: the task of the last %task)",
                    "  --layer L     layer, counted from 0",
                    "  --name NAME   the name Δ is kept under (default: the task's name)",
                    "  --seeds S,... run at each seed (replaces --seed): each method's mean over seeds with a",
                    "                bootstrap interval over seeds and test items; the Δs kept are the first seed's",
                    "  --controls R  also two rows that need no optimisation (rule tasks; 0: neither, the default):",
                    "                mean-difference (k-shot minus zero-shot activations of the training pairs,",
                    "                added where Δ is) and random-control (Δ's norm on Δ's active heads in R random",
                    "                directions, averaged); with --seeds, each seed's against that seed's Δ",
                    InterventionOptions.help(false)),
            InterventionOptions.declare(MagicsArgs.builder()
                    .keyword("task", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("layer", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("name", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("seeds", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("controls", MagicsArgs.KeywordSpec.ONCE), false)
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
        Experiment.Settings s = InterventionOptions.settings(a, layer);
        SessionTask sessionTask = Tasks.fromArgs(a, session);
        String name = a.string("name", sessionTask.name());
        long[] seeds = InterventionOptions.seeds(a, s);
        int controls = controls(a, s, sessionTask);
        Experiment experiment = InterventionOptions.experiment(a, session);
        experiment.checkLayer(layer);
        if (sessionTask.isDistribution()) {
            return distribution(sessionTask.distribution(), name, s, seeds, experiment, session, host);
        }
        Task task = sessionTask.rule();
        Experiment.Settings unregularized = s.withPenalty(0, 0);
        List<Split> splits = new ArrayList<>();
        for (long seed : seeds) splits.add(experiment.split(task, s.withSeed(seed)));

        String label = "%intervene " + task.name() + ", layer " + layer;
        List<String> runNames = new ArrayList<>();
        for (long seed : seeds) {
            String at = seeds.length == 1 ? "" : " seed " + seed;
            runNames.add("Δ (γ = λ = 0)" + at);
            runNames.add(penalty(s) + at);
        }
        TrainingProgress progress = new TrainingProgress(host, label, runNames.size(), s.optimizer().steps(),
                heads(experiment, s), runNames);
        Finished finished = new Finished(progress);
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test pairs%s)",
                task.name(), layer, s.nTrain(), splits.get(0).test().size(), ComposeMagic.seedsNote(seeds));
        List<ResultRow> rows = new ArrayList<>();
        List<Experiment.Trained> trained;
        try {
            progress.note("zero-shot and " + s.shots() + "-shot baselines on " + splits.get(0).test().size() + " test pairs"
                    + (seeds.length == 1 ? "" : " at each of " + seeds.length + " seeds"));
            for (int i = 0; i < seeds.length; i++) {
                Experiment.Settings at = s.withSeed(seeds[i]);
                rows.add(finished(finished, experiment.baseline("zero-shot", splits.get(i), at, 0)));
                rows.add(finished(finished, experiment.baseline("few-shot", splits.get(i), at, s.shots())));
            }

            // Every seed's two Δs train together (batched Δs on the fast path).
            List<Experiment.Job> jobs = new ArrayList<>();
            for (int i = 0; i < seeds.length; i++) {
                var objective = experiment.objective(splits.get(i));
                jobs.add(new Experiment.Job(objective, task.name(), unregularized.withSeed(seeds[i])));
                jobs.add(new Experiment.Job(objective, task.name(), s.withSeed(seeds[i])));
            }
            trained = experiment.trainTogether(jobs, finished, System.nanoTime());
            for (int i = 0; i < seeds.length; i++) {
                TrainingChecks.check(trained.get(2 * i), "Δ (γ = λ = 0)", unregularized);
                TrainingChecks.check(trained.get(2 * i + 1), penalty(s), s);
            }
            for (int i = 0; i < seeds.length; i++) {
                String at = seeds.length == 1 ? "" : " (seed " + seeds[i] + ")";
                progress.note("evaluating Δ (γ = λ = 0)" + at);
                rows.add(finished(finished, experiment.evaluate("delta-unregularized", splits.get(i),
                        unregularized.withSeed(seeds[i]), trained.get(2 * i))));
                progress.note("evaluating " + penalty(s) + at);
                rows.add(finished(finished, experiment.evaluate("delta", splits.get(i), s.withSeed(seeds[i]),
                        trained.get(2 * i + 1))));
            }
            if (controls > 0) {
                Controls c = new Controls(experiment);
                for (int i = 0; i < seeds.length; i++) {
                    // Each seed's controls against that seed's regularised Δ, as the CLI's intervene does.
                    Experiment.Settings at = s.withSeed(seeds[i]);
                    progress.note("controls: mean-difference vector and " + controls + " random direction"
                            + (controls == 1 ? "" : "s") + " of Δ's norm" + (seeds.length == 1 ? "" : " (seed " + seeds[i] + ")"));
                    rows.add(finished(finished, c.meanDifferenceRow(splits.get(i), at)));
                    rows.add(finished(finished, c.randomControlRow(splits.get(i), at, trained.get(2 * i + 1).delta(), controls)));
                }
            }
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
        Experiment.Trained plain = trained.get(0), regularized = trained.get(1);
        progress.finish(String.format(Locale.ROOT, "done · Δ uses %d of %d heads",
                regularized.delta().activeGroups(), heads(experiment, s)));

        rows = SeedAggregate.aggregate(rows);
        Table table = ResultTables.of(title, rows);
        session.putDelta(name + "-unregularized", plain.delta());
        session.putDelta(name, regularized.delta());
        session.recordLosses(name + "-unregularized", plain.result().losses());
        session.recordLosses(name, regularized.result().losses());
        session.record(table, rows);
        return table;
    }

    /**
     * --controls R: the number of random directions (0: no control rows), checked before any work
     * with the CLI's messages.
     */
    private static int controls(Args a, Experiment.Settings s, SessionTask task) {
        int controls = a.integer("controls", 0);
        if (controls < 0) {
            throw a.problem("--controls must be ≥ 0 (random directions), got " + controls);
        }
        if (controls > 0 && task.isDistribution()) {
            throw a.problem("--controls applies to rule tasks, not to " + task.name());
        }
        if (controls > 0) {
            try {
                Controls.checkShots(s.shots(), s.nTrain());
            } catch (IllegalArgumentException e) {
                throw a.problem(e.getMessage());
            }
        }
        return controls;
    }

    /** NAME for the regularised Δ, NAME-unregularized for the other (the names a finished run keeps them under). */
    private static String deltaName(String name, Finished.TrainedDelta d, Experiment.Settings s) {
        Experiment.Settings trained = d.job().settings();
        String base = trained.withSeed(s.seed()).equals(s) ? name : name + "-unregularized";
        return trained.seed() == s.seed() ? base : base + "-seed" + trained.seed();
    }

    private static ResultRow finished(Finished finished, ResultRow row) {
        finished.rowFinished(row);
        return row;
    }

    /**
     * Opinion dynamics: the engine runs the four rows itself (scored by mean KL), so only the
     * regularised Δ can be checked and kept.
     */
    private static Table distribution(DistributionTask task, String name, Experiment.Settings s, long[] seeds,
                                      Experiment experiment, Session session, Host host) {
        TrainingProgress progress = new TrainingProgress(host, "%intervene " + task.name() + ", layer " + s.layer(),
                2 * seeds.length, s.optimizer().steps(), heads(experiment, s), List.of());
        int tested = s.nTest() > 0 ? s.nTest() : task.size() - s.nTrain();
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test items%s)",
                task.name(), s.layer(), s.nTrain(), tested, ComposeMagic.seedsNote(seeds));
        Finished finished = new Finished(progress);
        progress.note("zero-shot and " + s.shots() + "-shot baselines");
        List<ResultRow> rows;
        Delta delta;
        try {
            // The first seed's Δ is the one kept, so it runs last: lastDelta() is then its.
            List<ResultRow> perSeed = new ArrayList<>();
            for (int i = seeds.length - 1; i >= 0; i--) {
                perSeed.addAll(0, experiment.interveneDistribution(task, s.withSeed(seeds[i]), finished));
            }
            rows = SeedAggregate.aggregate(perSeed);
            delta = experiment.lastDelta();
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
        TrainingChecks.checkDelta(delta, penalty(s), s);
        progress.finish(String.format(Locale.ROOT, "done · Δ uses %d of %d heads", delta.activeGroups(),
                heads(experiment, s)));
        Table table = ResultTables.of(title, rows);
        session.putDelta(name, delta);
        session.record(table, rows);
        return table;
    }

    static int heads(Experiment experiment, Experiment.Settings s) {
        return experiment.model().siteSize(s.site()) / experiment.model().config().headDim();
    }

    static String penalty(Experiment.Settings s) {
        return s.lasso() == s.groupLasso()
                ? "Δ (γ = λ = " + s.lasso() + ")"
                : "Δ (γ = " + s.lasso() + ", λ = " + s.groupLasso() + ")";
    }
}
