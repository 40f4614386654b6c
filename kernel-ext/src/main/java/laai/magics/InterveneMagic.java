package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.ResultRow;
import laai.intervention.Delta;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.DistributionTask;
import laai.tasks.Split;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %intervene}: the paper's comparison on one task at one layer — zero-shot, few-shot, Δ
 * without regularisation, Δ — with a live progress bar over both trainings.
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
                    "                  [--name NAME]"),
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
                    InterventionOptions.help(false)),
            InterventionOptions.declare(MagicsArgs.builder()
                    .keyword("task", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("layer", MagicsArgs.KeywordSpec.ONCE)
                    .keyword("name", MagicsArgs.KeywordSpec.ONCE), false)
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
        Experiment experiment = session.experiment();
        experiment.checkLayer(layer);
        if (sessionTask.isDistribution()) {
            return distribution(sessionTask.distribution(), name, s, experiment, session, host);
        }
        Task task = sessionTask.rule();
        Split split = experiment.split(task, s);
        Experiment.Settings unregularized = s.withPenalty(0, 0);

        String label = "%intervene " + task.name() + ", layer " + layer;
        TrainingProgress progress = new TrainingProgress(host, label, 2, s.optimizer().steps(),
                heads(experiment, s), List.of("Δ (γ = λ = 0)", penalty(s)));
        Finished finished = new Finished(progress);
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test pairs)",
                task.name(), layer, s.nTrain(), split.test().size());
        List<ResultRow> rows = new ArrayList<>();
        Experiment.Trained plain, regularized;
        try {
            progress.note("zero-shot and " + s.shots() + "-shot baselines on " + split.test().size() + " test pairs");
            rows.add(finished(finished, experiment.baseline("zero-shot", split, s, 0)));
            rows.add(finished(finished, experiment.baseline("few-shot", split, s, s.shots())));

            // Both Δs train together (batched Δs on the fast path).
            List<Experiment.Trained> both = experiment.trainAll(experiment.objective(split), task.name(),
                    List.of(unregularized, s), finished, System.nanoTime());
            plain = both.get(0);
            regularized = both.get(1);
            TrainingChecks.check(plain, "Δ (γ = λ = 0)", unregularized);
            TrainingChecks.check(regularized, penalty(s), s);
            progress.note("evaluating Δ (γ = λ = 0)");
            rows.add(finished(finished, experiment.evaluate("delta-unregularized", split, unregularized, plain)));
            progress.note("evaluating " + penalty(s));
            rows.add(finished(finished, experiment.evaluate("delta", split, s, regularized)));
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
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

    /** NAME for the regularised Δ, NAME-unregularized for the other (the names a finished run keeps them under). */
    private static String deltaName(String name, Finished.TrainedDelta d, Experiment.Settings s) {
        return d.job().settings().equals(s) ? name : name + "-unregularized";
    }

    private static ResultRow finished(Finished finished, ResultRow row) {
        finished.rowFinished(row);
        return row;
    }

    /**
     * Opinion dynamics: the engine runs the four rows itself (scored by mean KL), so only the
     * regularised Δ can be checked and kept.
     */
    private static Table distribution(DistributionTask task, String name, Experiment.Settings s, Experiment experiment,
                                      Session session, Host host) {
        TrainingProgress progress = new TrainingProgress(host, "%intervene " + task.name() + ", layer " + s.layer(), 2,
                s.optimizer().steps(), heads(experiment, s), List.of("Δ (γ = λ = 0)", penalty(s)));
        int tested = s.nTest() > 0 ? s.nTest() : task.size() - s.nTrain();
        String title = String.format(Locale.ROOT, "%%intervene %s, layer %d (N = %d, %d test items)",
                task.name(), s.layer(), s.nTrain(), tested);
        Finished finished = new Finished(progress);
        progress.note("zero-shot and " + s.shots() + "-shot baselines");
        List<ResultRow> rows;
        try {
            rows = experiment.interveneDistribution(task, s, finished);
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%intervene", title, finished, session, d -> deltaName(name, d, s));
        }
        Delta delta = experiment.lastDelta();
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
