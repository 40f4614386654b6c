package laai.cli;

import laai.eval.DistributedSweep;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.GroupResult;
import laai.eval.LayerSelection;
import laai.eval.ModelSpec;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.RunSpec;
import laai.eval.Sweep;
import laai.eval.SweepPlan;
import laai.intervention.Delta;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.report.Plots;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import laai.tasks.ValidationSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sweep", description = {"Layers × γ × λ × N × seeds into one table, with plots; with --select, the layer "
        + "chosen on validation pairs and only its test score reported.",
        "Ctrl-C stops at the next step or batch, prints the rows finished so far and exits with 130."})
final class SweepCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Option(names = "--task", required = true) String task;
    @Option(names = "--layers", required = true, description = "Layers: 0-5 or 1,3,5.") String layers;
    @Option(names = "--lassos", split = ",", defaultValue = "0.01", description = "γ values. Default: ${DEFAULT-VALUE}.") double[] lassos;
    @Option(names = "--group-lassos", split = ",", defaultValue = "0.01", description = "λ values. Default: ${DEFAULT-VALUE}.") double[] groupLassos;
    @Option(names = "--trains", split = ",", defaultValue = "10", description = "N values. Default: ${DEFAULT-VALUE}.") int[] trains;
    @Option(names = "--seeds", split = ",", defaultValue = "0", description = "Seeds. Default: ${DEFAULT-VALUE}.") long[] seeds;
    @Option(names = "--no-baselines", description = "Skip the zero-shot and few-shot rows.") boolean noBaselines;
    @Option(names = "--plots", description = "Folder for exact-match-per-layer and loss-per-step plots (PNG and SVG).") Path plots;
    @Option(names = "--deltas", paramLabel = "DIR", description = "Folder to save every Δ in, as safetensors with its settings as metadata.") Path deltas;
    @Option(names = "--spark", paramLabel = "MASTER", description = {
            "Run the sweep on Apache Spark: local[N], spark://HOST:PORT, yarn, k8s://… (needs the spark module; "
                    + "the model folder must be readable at the same path on every worker)."}) String spark;
    @Option(names = "--select", description = {"Choose the layer (and γ, λ where several are swept) per N on validation "
            + "pairs held out of the pairs outside the test split, then score only the chosen setting on the test "
            + "pairs, once (row delta-selected). The table shows every run on the validation pairs."}) boolean select;
    @Option(names = "--validation", paramLabel = "N", description = "Validation pairs per seed for --select. Default: "
            + LayerSelection.DEFAULT_VALIDATION + ".") Integer validation;

    /** The in-process sweep's progress on stderr (a selection names its validation and test rows there). */
    private TerminalProgress progress;

    @Override
    public Integer call() {
        Outputs.checkFolder(plots, "--plots");
        Outputs.checkFolder(deltas, "--deltas");
        // Every combination's settings checked before the model loads, not when the sweep reaches it.
        for (double lasso : lassos) {
            for (double groupLasso : groupLassos) {
                for (int n : trains) options.settings(0).withPenalty(lasso, groupLasso).withTrain(n);
            }
        }
        if (validation != null && !select) {
            throw new IllegalArgumentException("--validation sizes the validation split of --select; add --select or drop it");
        }
        if (select && spark != null) {
            throw new IllegalArgumentException("--select runs in this process only, not with --spark (a Spark sweep "
                    + "scores every setting on the test pairs); drop one of them");
        }
        int nValidation = validation == null ? LayerSelection.DEFAULT_VALIDATION : validation;
        Task t = Task.resolve(task, Datasets.dir());
        if (select) {
            // Every seed's validation split checked before the model loads.
            for (int n : trains) {
                for (long seed : seeds) ValidationSplit.of(t, n, options.test, nValidation, seed);
            }
        }
        int[] swept = Ranges.parse(layers);
        if (spark != null) return onSpark(t, swept);
        progress = new TerminalProgress(!model.json);
        Finished finished = new Finished(progress);
        try (Sigint sigint = Sigint.interruptsThisThread();
             DecoderModel m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
            if (select) return select(experiment, t, swept, nValidation, finished);
            SweepPlan plan = plan(t, swept, m.config());
            Sweep sweep = new Sweep(experiment);
            List<ResultRow> rows;
            try {
                rows = sweep.run(plan, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, plots == null ? null : "--plots not written");
            }
            Map<RunSpec, Delta> trained = new LinkedHashMap<>();
            for (RunSpec run : plan.runs()) {
                Delta d = sweep.deltas().get(run.deltaKey());
                if (run.trains() && d != null) trained.put(run, d);
            }
            return finish(rows, sweep.losses(), trained);
        }
    }

    /**
     * --select: the Δs trained as the sweep trains them, every run scored on the validation pairs,
     * the setting chosen per N, then the chosen Δs scored on the test pairs (the only time they are
     * read). An interrupt before the test prints the validation rows finished and scores no test pair.
     */
    private Integer select(Experiment experiment, Task t, int[] swept, int nValidation, Finished finished) {
        LayerSelection selection = new LayerSelection(experiment, t, options.settings(0), swept, lassos, groupLassos,
                trains, seeds, nValidation, !noBaselines);
        LayerSelection.Validation validated;
        List<ResultRow> tested;
        progress.rowsAre("validation row");
        try {
            validated = selection.validate(finished);
        } catch (Interrupted e) {
            return Stopped.report(e, finished.rows(), model.json, "validation rows; no test pair was scored");
        }
        progress.rowsAre("test row");
        try {
            tested = selection.test(finished);
        } catch (Interrupted e) {
            return Stopped.report(e, validated.rows(), model.json, "validation rows; stopped while scoring the test pairs");
        }
        Map<RunSpec, Delta> trained = new LinkedHashMap<>();
        for (RunSpec run : selection.plan().runs()) {
            Delta d = selection.sweep().deltas().get(run.deltaKey());
            if (run.trains() && d != null) trained.put(run, d);
        }
        String failed = save(validated.rows(), "Validation exact match per layer", selection.sweep().losses(), trained);
        return SelectionReport.print(validated, tested, nValidation, model.json, failed);
    }

    private SweepPlan plan(Task t, int[] swept, laai.model.ModelConfig config) {
        return SweepPlan.of(t, options.settings(0), swept, lassos, groupLassos, trains, seeds, !noBaselines, options.scorer(),
                config);
    }

    /**
     * The same plan on a Spark cluster: made and checked here from the model's config.json alone
     * (no weights load on the driver), run by the spark module, assembled in the plan's order.
     */
    private Integer onSpark(Task t, int[] swept) {
        // The driver's libtorch thread count (when pinned) goes to every worker: the same count, the same sums.
        ModelSpec spec = model.spec(model.model, Integer.getInteger("ai.djl.pytorch.num_threads", 0));
        SweepPlan plan = plan(t, swept, spec.config());
        DistributedSweep cluster = DistributedSweep.find();
        TerminalProgress progress = TerminalProgress.rowsOnly();
        List<GroupResult> results = cluster.run(plan, spec, spark, r -> {
            if (!model.json) r.rows().forEach(progress::rowFinished);
        });
        Map<RunSpec, Delta> trained = new LinkedHashMap<>();
        plan.deltas(results).forEach((run, d) -> trained.put(run, d.delta()));
        return finish(plan.rows(results), plan.losses(results), trained);
    }

    private Integer finish(List<ResultRow> rows, Map<String, List<Double>> losses, Map<RunSpec, Delta> trained) {
        String failed = save(rows, null, losses, trained);
        // A sweep's rows stay one per seed (its plot aggregates them).
        return InterveneCommand.print(rows, model.json, failed, false);
    }

    /** The plots and Δ files asked for; what failed to be written, or null. {@code title} replaces the per-layer plot's. */
    private String save(List<ResultRow> rows, String title, Map<String, List<Double>> losses, Map<RunSpec, Delta> trained) {
        String failed = plots == null ? null : Outputs.attempt("--plots", () -> {
            var perLayer = Plots.exactMatchPerLayer(rows);
            if (title != null) perLayer.setTitle(title);
            Plots.save(perLayer, plots.resolve("exact-match-per-layer"));
            Plots.save(Plots.lossPerStep(losses), plots.resolve("loss-per-step"));
        });
        if (deltas != null) {
            String notSaved = Outputs.attempt("--deltas", () -> trained.forEach((run, d) -> d.save(deltas.resolve(run.deltaFileName()))));
            if (failed == null) failed = notSaved;
        }
        return failed;
    }
}
