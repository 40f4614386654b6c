package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;
import org.knowm.xchart.internal.chartpart.Chart;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.GroupResult;
import laai.eval.LayerSelection;
import laai.eval.ModelSpec;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.eval.Sweep;
import laai.eval.SweepPlan;
import laai.kernel.MagicException;
import laai.report.Plots;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %sweep}: layers × γ × λ × N × seeds in one table (shown first), returning a plot of the
 * swept dimension: exact match per layer, per N, or the loss curves.
 */
final class SweepMagic extends MagicCommand {

    private static final Experiment.Settings DEFAULTS = Experiment.Settings.defaults(0);
    private static final List<String> PLOTS = List.of("auto", "layer", "train", "loss");

    SweepMagic() {
        super(TrainingOptions.syntax("sweep",
                String.join(System.lineSeparator(),
                        "usage: %sweep --task T --layers 0-5|all [--lasso G,...] [--group-lasso L,...] [--train N,...]",
                        "              [--seeds S,...] [--no-baselines] [--plot auto|layer|train|loss]",
                        "              [--select [--validation V] | --spark MASTER]",
                        "              [--test M] [--steps K] [--lr R] ..."),
                String.join(System.lineSeparator(),
                        "Trains one Δ per combination of layer, γ, λ, N and seed, and evaluates each on its test",
                        "split; zero-shot and few-shot rows come once per (N, seed). Shows the table, returns a plot",
                        "(Laai.session().lastSweep() keeps every Δ and loss curve). An interrupt stops it at the next",
                        "step or batch; it keeps exactly what it finished: the rows, and lastSweep() with the Δs",
                        "trained (fully or up to the interrupt; their stop_reason says which).",
                        "  --task T              task name or .json file (default: the task of the last %task)",
                        "  --layers              layers: 0-5, 1,3,5 or all",
                        "  --lasso G,...         γ values (default " + DEFAULTS.lasso() + ")",
                        "  --group-lasso L,...   λ values (default " + DEFAULTS.groupLasso() + ")",
                        "  --train N,...         training-set sizes, e.g. 1,2,5,10,20,50 (default " + DEFAULTS.nTrain() + ")",
                        "  --seeds S,...         seeds (default " + DEFAULTS.seed() + ")",
                        "  --no-baselines        skip the zero-shot and few-shot rows",
                        "  --plot                auto (per layer when several layers, else per N when several N,",
                        "                        else loss per step), layer, train or loss",
                        "  --select              choose the layer (and γ, λ where several) per N on validation pairs held",
                        "                        out of the pairs outside the test split (best mean exact match over",
                        "                        seeds; ties: lower layer, then smaller γ, then smaller λ), then score",
                        "                        only the chosen setting on the test pairs, once (row delta-selected);",
                        "                        shows the validation table and the test row",
                        "  --validation V        validation pairs per seed for --select (default "
                                + LayerSelection.DEFAULT_VALIDATION + ")",
                        "  --spark MASTER        run the sweep on Apache Spark: local[2], spark://HOST:PORT, ...; the same",
                        "                        table, one Spark task per group of batched Δs (needs the spark module's",
                        "                        jars: -Dlaai.spark.dir or LAAI_SPARK_DIR, default spark/target of the",
                        "                        repository; the model folder readable at the same path on every worker)"),
                MagicsArgs.builder(), true,
                List.of("task", "layers", "lasso", "group-lasso", "train", "seeds", "plot", "validation", "spark"),
                Set.of("no-baselines", "select")));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        boolean allLayers = a.string("layers", "").equalsIgnoreCase("all");
        int[] layers = allLayers ? new int[] {0} : a.integers("layers", null);
        if (layers == null) {
            throw a.problem("--layers is required (e.g. 0-5, 1,3,5 or all)");
        }
        double[] lassos = nonNegative(a, "lasso", DEFAULTS.lasso());
        double[] groupLassos = nonNegative(a, "group-lasso", DEFAULTS.groupLasso());
        int[] trains = a.integers("train", new int[] {DEFAULTS.nTrain()});
        for (int n : trains) {
            if (n < 1) {
                throw a.problem("--train: every N must be at least 1, got " + n);
            }
        }
        long[] seeds = a.longs("seeds", new long[] {DEFAULTS.seed()});
        String plot = a.choice("plot", "auto", PLOTS);
        boolean select = a.isSet("select");
        if (a.has("validation") && !select) {
            throw a.problem("--validation sizes the validation split of --select; add --select or drop it");
        }
        int nValidation = a.integer("validation", LayerSelection.DEFAULT_VALIDATION);
        String master = a.string("spark", null);
        if (master != null && (master.isBlank() || select)) {
            throw a.problem(select ? "--select runs in this process only, not with --spark (a Spark sweep scores every "
                    + "setting on the test pairs); drop one of them" : "--spark needs a master: local[2], spark://HOST:PORT, ...");
        }
        Experiment.Settings base = TrainingOptions.runSettings(a, layers[0]);
        Task task = Tasks.fromArgs(a, session).requireRule("%sweep");
        Experiment experiment = session.experiment();
        if (allLayers) {
            layers = IntStream.range(0, experiment.model().config().numLayers()).toArray();
        }
        for (int layer : layers) {
            experiment.checkLayer(layer);
        }

        int runs = layers.length * lassos.length * groupLassos.length * trains.length * seeds.length;
        if (master != null) {
            return onSpark(master, task, base, layers, lassos, groupLassos, trains, seeds, !a.isSet("no-baselines"),
                    runs, plot, session, host);
        }
        TrainingProgress progress = new TrainingProgress(host, "%sweep " + task.name(), runs,
                base.optimizer().steps(), InterveneMagic.heads(experiment, base), List.of());
        if (select) {
            LayerSelection selection = new LayerSelection(experiment, task, base, layers, lassos, groupLassos, trains, seeds,
                    nValidation, !a.isSet("no-baselines"));
            return select(selection, task, runs, progress, session, host, plot, layers, trains);
        }
        Sweep sweep = new Sweep(experiment);
        String title = String.format(Locale.ROOT, "%%sweep %s: %d runs", task.name(), runs);
        Finished finished = new Finished(progress);
        List<ResultRow> rows;
        try {
            rows = sweep.run(task, base, layers, lassos, groupLassos, trains, seeds, !a.isSet("no-baselines"), finished);
        } catch (Interrupted e) {
            // The rows, and the sweep with the Δs it trained (lastSweep()), as a finished sweep keeps them.
            throw InterruptedRun.keepSweep(e, title, finished, session, sweep);
        }
        finish(progress, sweep, runs);

        return show(session, host, title, rows, sweep, plot, layers, trains);
    }

    /**
     * --spark: the plan the in-process sweep would run (made and checked here, so a malformed sweep
     * fails before Spark starts), run by the spark module with {@link laai.eval.GroupRunner} on each
     * group, and shown as the in-process sweep shows it: the same rows, the same plot, the Δs in
     * lastSweep(). The progress bar counts the rows of the groups that came back. An interrupt
     * cancels Spark's tasks and keeps the rows and Δs of the groups that had come back.
     */
    private static Chart<?, ?> onSpark(String master, Task task, Experiment.Settings base, int[] layers, double[] lassos,
                                       double[] groupLassos, int[] trains, long[] seeds, boolean baselines, int runs,
                                       String plot, Session session, Host host) {
        Experiment experiment = session.experiment();
        SweepPlan plan = SweepPlan.of(task, base, layers, lassos, groupLassos, trains, seeds, baselines,
                experiment.scorer(), experiment.model().config());
        SparkModule.Loaded spark = SparkModule.load(session.repository());
        // Executors load the session's model folder as it was loaded here; a pinned libtorch thread
        // count goes to every executor, as the command line's does.
        ModelSpec model = session.loaded().spec(Integer.getInteger("ai.djl.pytorch.num_threads", 0));
        String title = String.format(Locale.ROOT, "%%sweep %s on Spark (%s): %d runs", task.name(), master, runs);
        Host.Progress progress = host.progress(title, plan.runs().size());
        progress.note(0, "starting Spark: " + plan.groups().size() + " groups");
        List<GroupResult> arrived = new ArrayList<>();
        Finished finished = new Finished(null);
        List<GroupResult> results;
        try {
            results = ClusterSweep.run(spark, plan, model, master, r -> {
                arrived.add(r);
                r.rows().forEach(finished::rowFinished);
                progress.note(finished.rows().size(), String.format(Locale.ROOT, "%d/%d groups · finished %s",
                        arrived.size(), plan.groups().size(), plan.groups().get(r.group()).describe()));
            });
        } catch (Interrupted e) {
            throw InterruptedRun.keepSweep(e, title, finished, session, Sweep.of(experiment, plan, arrived));
        } catch (IllegalStateException e) {
            // The spark module's one-line account of a failed sweep (an unknown master, a failed run).
            throw new MagicException("%sweep: " + e.getMessage(), e);
        }
        List<ResultRow> rows = plan.rows(results);
        Sweep sweep = Sweep.of(experiment, plan, results);
        progress.finish(summary(sweep, runs));

        return show(session, host, title, rows, sweep, plot, layers, trains);
    }

    /**
     * --select: shows the validation table, then the chosen setting's test row (the only rows the
     * session keeps as results: validation scores are not test scores), and returns the validation
     * exact match per layer. An interrupt keeps the Δs trained (lastSweep()) and no rows.
     */
    private static Chart<?, ?> select(LayerSelection selection, Task task, int runs, TrainingProgress progress,
                                      Session session, Host host, String plot, int[] layers, int[] trains) {
        LayerSelection.Validation validation;
        List<ResultRow> tested;
        try {
            validation = selection.validate(progress);
            tested = SeedAggregate.aggregate(selection.test(progress));
        } catch (Interrupted e) {
            throw InterruptedRun.keepSelection(e, session, selection.sweep());
        }
        finish(progress, selection.sweep(), runs);
        if (validation.nothingToChoose()) {
            System.err.println("note: one setting was swept, so --select had nothing to choose; "
                    + "its test score is reported once all the same.");
        }
        String chosen = validation.selected().stream().map(LayerSelection.Selected::describe)
                .collect(Collectors.joining("; "));
        Table validationTable = ResultTables.of(String.format(Locale.ROOT,
                "%%sweep %s --select: %d runs on %d validation pairs per seed (held out of the pairs outside the test split)",
                task.name(), runs, selection.validationPairs()), SeedAggregate.aggregate(validation.rows()));
        Table testTable = ResultTables.of("%sweep " + task.name() + " --select, test pairs scored once: " + chosen, tested);
        Chart<?, ?> chart = chart(plot, layers, trains, validation.rows(), selection.sweep());
        if (chart.getTitle().startsWith("Exact match")) {
            chart.setTitle("Validation exact match" + chart.getTitle().substring("Exact match".length()));
        }
        session.recordSweep(selection.sweep());
        session.record(testTable, tested);
        session.recordChart(chart);
        host.show(validationTable);
        host.show(testTable);
        return chart;
    }

    /** Ends the progress display, with a warning where an optimisation diverged. */
    private static void finish(TrainingProgress progress, Sweep sweep, int runs) {
        progress.finish(summary(sweep, runs));
    }

    /** The progress display's last line; prints a warning where an optimisation diverged. */
    /** What a finished sweep shows and the session keeps, in process or on Spark alike. */
    private static Chart<?, ?> show(Session session, Host host, String title, List<ResultRow> rows, Sweep sweep,
                                    String plot, int[] layers, int[] trains) {
        Table table = ResultTables.of(title, rows);
        Chart<?, ?> chart = chart(plot, layers, trains, rows, sweep);
        session.recordSweep(sweep);
        session.record(table, rows);
        session.recordChart(chart);
        host.show(table);
        return chart;
    }

    private static String summary(Sweep sweep, int runs) {
        List<String> diverged = new ArrayList<>();
        sweep.deltas().forEach((run, delta) -> {
            if (TrainingChecks.diverged(delta)) {
                diverged.add(run);
            }
        });
        if (!diverged.isEmpty()) {
            // One bad corner of a grid should not cost the rest of the grid: the table stays, with a warning.
            System.err.println("warning: the optimisation diverged (non-finite loss) in " + String.join("; ", diverged)
                    + "; their rows show the best Δ before that. A smaller --lr avoids it.");
        }
        return diverged.isEmpty() ? "done" : diverged.size() + " of " + runs + " runs diverged";
    }

    private static Chart<?, ?> chart(String plot, int[] layers, int[] trains, List<ResultRow> rows, Sweep sweep) {
        if (plot.equals("auto")) {
            plot = layers.length > 1 ? "layer" : trains.length > 1 ? "train" : "loss";
        }
        switch (plot) {
            case "layer":
                return Plots.exactMatchPerLayer(rows);
            case "train":
                return ResultCharts.exactMatchPerTrainingSize(rows);
            default:
                return Plots.lossPerStep(sweep.losses());
        }
    }

    private static double[] nonNegative(Args a, String name, double fallback) {
        double[] values = a.numbers(name, new double[] {fallback});
        for (double v : values) {
            if (v < 0) {
                throw a.problem("--" + name + ": values must be ≥ 0, got " + v);
            }
        }
        return values;
    }
}
