package laai.cli;

import laai.eval.Experiment;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.model.Llama;
import laai.model.TextTokenizer;
import laai.report.ResultTables;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "intervene", description = "Learn Δ for a task at one layer; compare with zero-shot, k-shot and unregularised Δ.")
final class InterveneCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Option(names = "--task", required = true, description = "Task name (datasets/NAME.json) or a JSON file.") String task;
    @Option(names = "--layer", required = true, description = "Layer, counted from 0.") int layer;
    @Option(names = "--save", description = "Write the regularised Δ here (safetensors with metadata).") Path save;
    @Option(names = "--plots", description = "Folder for the per-head norm and loss-per-step plots (PNG and SVG).") Path plots;

    @Override
    public Integer call() {
        Path file = Datasets.file(task);
        boolean distribution = laai.tasks.DistributionTask.isDistributionFile(file);
        Task t = distribution ? null : Task.resolve(task, Datasets.dir());
        laai.tasks.DistributionTask d = distribution ? laai.tasks.DistributionTask.load(file) : null;
        try (Llama m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, laai.tasks.PromptTemplate.DEFAULT), model.name());
            List<ResultRow> rows = distribution
                    ? experiment.interveneDistribution(d, options.settings(layer), new ProgressBar(!model.json))
                    : experiment.intervene(t, options.settings(layer), new ProgressBar(!model.json));
            if (save != null) experiment.lastDelta().save(save);
            if (plots != null) {
                laai.report.Plots.save(laai.report.Plots.headNorms(experiment.lastDelta()), plots.resolve("head-norms"));
                java.util.Map<String, List<Double>> losses = new java.util.LinkedHashMap<>();
                experiment.lastRuns().forEach((method, run) -> losses.put(method, run.result().losses()));
                laai.report.Plots.save(laai.report.Plots.lossPerStep(losses), plots.resolve("loss-per-step"));
            }
            print(rows, model.json);
        }
        return 0;
    }

    static void print(List<ResultRow> rows, boolean json) {
        if (json) {
            Json.print(Map.of("rows", rows.stream().map(ResultRow::asMap).toList()));
        } else {
            System.out.print(ResultTables.text(rows));
        }
    }
}
