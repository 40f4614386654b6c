package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Controls;
import laai.eval.Experiment;
import laai.eval.StepsPassedOn;
import laai.eval.Finished;
import laai.eval.Method;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
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
 * <p>The engine's {@code Experiment} runs the comparison; this magic names each phase on the
 * progress bar as the engine starts it, stops with a clear message when a training diverges, and
 * keeps the first seed's two Δs. An interrupt keeps what was finished (see {@link Session}).
 */
final class InterveneMagic extends MagicCommand {

    InterveneMagic() {
        super(TrainingOptions.syntax("intervene",
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
                        "                directions, averaged); with --seeds, each seed's against that seed's Δ"),
                MagicsArgs.builder(), false, List.of("task", "layer", "name", "seeds", "controls"), Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        int layer = a.requiredInteger("layer");
        Experiment.Settings s = TrainingOptions.settings(a, layer);
        SessionTask sessionTask = Tasks.fromArgs(a, session);
        String name = a.string("name", sessionTask.name());
        long[] seeds = TrainingOptions.seeds(a, s);
        int controls = controls(a, s, sessionTask);
        Experiment experiment = TrainingOptions.experiment(a, session);
        experiment.checkLayer(layer);
        if (sessionTask.isDistribution()) {
            return distribution(sessionTask.distribution(), name, s, seeds, experiment, session, host);
        }
        Task task = sessionTask.rule();
        List<Split> splits = new ArrayList<>();
        for (long seed : seeds) splits.add(experiment.split(task, s.withSeed(seed)));

        String label = "%intervene " + task.name() + ", layer " + layer;
        List<String> runNames = new ArrayList<>();
        for (long seed : seeds) {
            String at = seeds.length == 1 ? "" : " seed " + seed;
            runNames.add(UNREGULARIZED + at);
            runNames.add(penalty(s) + at);
        }
        TrainingProgress progress = new TrainingProgress(host, label, runNames.size(), s.optimizer().steps(),
                heads(experiment, s), runNames);
        Finished finished = new Finished(progress);
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test pairs%s)",
                task.name(), layer, s.nTrain(), splits.get(0).test().size(), ComposeMagic.seedsNote(seeds));
        String baselines = "zero-shot and " + s.shots() + "-shot baselines on " + splits.get(0).test().size() + " test pairs"
                + (seeds.length == 1 ? "" : " at each of " + seeds.length + " seeds");
        List<Experiment.Outcome> outcomes;
        List<ResultRow> rows;
        try {
            // Every seed's two Δs train together (batched Δs on the fast path).
            outcomes = experiment.interveneSeeds(task, s, seeds, new Phases(finished, progress, baselines, s, seeds));
            rows = new ArrayList<>(Experiment.rows(outcomes));
            if (controls > 0) {
                Controls c = new Controls(experiment);
                for (int i = 0; i < seeds.length; i++) {
                    // Each seed's controls against that seed's regularised Δ, as the CLI's intervene does.
                    Experiment.Settings at = s.withSeed(seeds[i]);
                    progress.note("controls: mean-difference vector and " + controls + " random direction"
                            + (controls == 1 ? "" : "s") + " of Δ's norm" + (seeds.length == 1 ? "" : " (seed " + seeds[i] + ")"));
                    rows.add(finished(finished, c.meanDifferenceRow(splits.get(i), at)));
                    rows.add(finished(finished, c.randomControlRow(splits.get(i), at,
                            outcomes.get(i).delta(Method.DELTA), controls)));
                }
            }
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
        return keep(SeedAggregate.aggregate(rows), outcomes.get(0), title, name, s, experiment, progress, session);
    }

    /**
     * The table, and the first seed's two Δs and loss curves kept under NAME and NAME-unregularized:
     * what a finished %intervene leaves in the session, for rule and distribution tasks alike.
     */
    private static Table keep(List<ResultRow> rows, Experiment.Outcome first, String title, String name,
                              Experiment.Settings s, Experiment experiment, TrainingProgress progress, Session session) {
        Experiment.Trained plain = first.trained().get(Method.DELTA_UNREGULARIZED);
        Experiment.Trained regularized = first.trained().get(Method.DELTA);
        progress.finish(String.format(Locale.ROOT, "done · Δ uses %d of %d heads",
                regularized.delta().activeGroups(), heads(experiment, s)));
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

    /** Opinion dynamics: the same comparison, scored by mean KL; each seed's Δs train together, seed after seed. */
    private static Table distribution(DistributionTask task, String name, Experiment.Settings s, long[] seeds,
                                      Experiment experiment, Session session, Host host) {
        TrainingProgress progress = new TrainingProgress(host, "%intervene " + task.name() + ", layer " + s.layer(),
                2 * seeds.length, s.optimizer().steps(), heads(experiment, s), List.of());
        int tested = s.nTest() > 0 ? s.nTest() : task.size() - s.nTrain();
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test items%s)",
                task.name(), s.layer(), s.nTrain(), tested, ComposeMagic.seedsNote(seeds));
        Finished finished = new Finished(progress);
        List<Experiment.Outcome> outcomes;
        try {
            outcomes = experiment.interveneDistributionSeeds(task, s, seeds,
                    new Phases(finished, progress, "zero-shot and " + s.shots() + "-shot baselines", s, seeds));
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
        return keep(SeedAggregate.aggregate(Experiment.rows(outcomes)), outcomes.get(0), title, name, s, experiment,
                progress, session);
    }

    /** The name of the Δ trained without penalty, on the progress bar and in messages. */
    private static final String UNREGULARIZED = "Δ (γ = λ = 0)";

    /**
     * What the progress bar says between trainings (the baselines once, each Δ's evaluation), and
     * the check after each training: a Δ whose optimisation diverged stops the run before it is
     * evaluated ({@link TrainingChecks}). Everything goes on to {@code finished}.
     */
    private static final class Phases extends StepsPassedOn {
        private final Finished finished;
        private final TrainingProgress progress;
        private final String baselines;
        private final Experiment.Settings settings;
        private final long[] seeds;
        private boolean baselinesNoted;

        Phases(Finished finished, TrainingProgress progress, String baselines, Experiment.Settings settings, long[] seeds) {
            super(finished);
            this.finished = finished;
            this.progress = progress;
            this.baselines = baselines;
            this.settings = settings;
            this.seeds = seeds;
        }

        @Override
        public void rowStarted(Method method, Experiment.Settings at) {
            switch (method) {
                case ZERO_SHOT -> {
                    if (!baselinesNoted) progress.note(baselines);
                    baselinesNoted = true;
                }
                case DELTA_UNREGULARIZED -> progress.note("evaluating " + UNREGULARIZED + seed(at));
                case DELTA -> progress.note("evaluating " + penalty(settings) + seed(at));
                default -> { }
            }
            finished.rowStarted(method, at);
        }

        @Override
        public void deltaTrained(Experiment.Job job, Experiment.Trained trained) {
            Experiment.Settings at = job.settings();
            boolean plain = at.lasso() == 0 && at.groupLasso() == 0;
            TrainingChecks.check(trained, plain ? UNREGULARIZED : penalty(settings), settings);
            finished.deltaTrained(job, trained);
        }

        @Override
        public void rowFinished(ResultRow row) {
            finished.rowFinished(row);
        }

        private String seed(Experiment.Settings at) {
            return seeds.length == 1 ? "" : " (seed " + at.seed() + ")";
        }
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
