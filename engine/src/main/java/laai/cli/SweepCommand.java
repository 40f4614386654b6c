package laai.cli;

import laai.eval.DistributedSweep;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.GroupResult;
import laai.eval.ModelSpec;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.RunSpec;
import laai.eval.Sweep;
import laai.eval.SweepPlan;
import laai.intervention.Delta;
import laai.model.Llama;
import laai.model.TextTokenizer;
import laai.report.Plots;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sweep", description = {"Layers × γ × λ × N × seeds into one table, with plots.",
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
        Task t = Task.resolve(task, Datasets.dir());
        int[] swept = Ranges.parse(layers);
        if (spark != null) return onSpark(t, swept);
        Finished finished = new Finished(new ProgressBar(!model.json));
        try (Sigint sigint = Sigint.interruptsThisThread();
             Llama m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
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
                if (run.method() == RunSpec.Method.DELTA && d != null) trained.put(run, d);
            }
            return finish(rows, sweep.losses(), trained);
        }
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
        ProgressBar progress = ProgressBar.rowsOnly();
        List<GroupResult> results = cluster.run(plan, spec, spark, r -> {
            if (!model.json) r.rows().forEach(progress::rowFinished);
        });
        Map<RunSpec, Delta> trained = new LinkedHashMap<>();
        plan.deltas(results).forEach((run, d) -> trained.put(run, d.delta()));
        return finish(plan.rows(results), plan.losses(results), trained);
    }

    private Integer finish(List<ResultRow> rows, Map<String, List<Double>> losses, Map<RunSpec, Delta> trained) {
        String failed = plots == null ? null : Outputs.attempt("--plots", () -> {
            Plots.save(Plots.exactMatchPerLayer(rows), plots.resolve("exact-match-per-layer"));
            Plots.save(Plots.lossPerStep(losses), plots.resolve("loss-per-step"));
        });
        if (deltas != null) {
            String notSaved = Outputs.attempt("--deltas", () -> trained.forEach((run, d) -> d.save(deltas.resolve(run.deltaFileName()))));
            if (failed == null) failed = notSaved;
        }
        // A sweep's rows stay one per seed (its plot aggregates them).
        return InterveneCommand.print(rows, model.json, failed, false);
    }
}
