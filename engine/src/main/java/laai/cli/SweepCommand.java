package laai.cli;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.Sweep;
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
import java.util.List;
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

    @Override
    public Integer call() {
        Outputs.checkFolder(plots, "--plots");
        // Every combination's settings checked before the model loads, not when the sweep reaches it.
        for (double lasso : lassos) {
            for (double groupLasso : groupLassos) {
                for (int n : trains) options.settings(0).withPenalty(lasso, groupLasso).withTrain(n);
            }
        }
        Task t = Task.resolve(task, Datasets.dir());
        int[] swept = Ranges.parse(layers);
        Finished finished = new Finished(new ProgressBar(!model.json));
        try (Sigint sigint = Sigint.interruptsThisThread();
             Llama m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
            Sweep sweep = new Sweep(experiment);
            List<ResultRow> rows;
            try {
                rows = sweep.run(t, options.settings(0), swept, lassos, groupLassos, trains, seeds, !noBaselines, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, plots == null ? null : "--plots not written");
            }
            String failed = plots == null ? null : Outputs.attempt("--plots", () -> {
                Plots.save(Plots.exactMatchPerLayer(rows), plots.resolve("exact-match-per-layer"));
                Plots.save(Plots.lossPerStep(sweep.losses()), plots.resolve("loss-per-step"));
            });
            // A sweep's rows stay one per seed (its plot aggregates them).
            return InterveneCommand.print(rows, model.json, failed, false);
        }
    }
}
