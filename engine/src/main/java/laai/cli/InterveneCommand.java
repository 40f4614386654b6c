package laai.cli;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.Method;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "intervene", description = {"Learn Δ for a task at one layer; compare with zero-shot, k-shot and unregularised Δ.",
        "Ctrl-C stops at the next step or batch, prints the rows finished so far, saves the Δ trained so far (--save) and exits with 130."})
final class InterveneCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Option(names = "--seeds", split = ",", description = "Run at each of these seeds (replaces --seed) and report each "
            + "method's mean with a bootstrap interval over seeds and test items; --save and --plots take the last seed's Δ.")
    long[] seedsOption;
    @Option(names = "--task", required = true, description = "Task name (datasets/NAME.json) or a JSON file.") String task;
    @Option(names = "--layer", required = true, description = "Layer, counted from 0.") int layer;
    @Option(names = "--save", description = "Write the regularised Δ here (safetensors with metadata).") Path save;
    @Option(names = "--plots", description = "Folder for the per-head norm and loss-per-step plots (PNG and SVG).") Path plots;
    @Option(names = "--controls", defaultValue = "0", paramLabel = "R", description = "Also the vectors that need no optimisation: "
            + "the mean-difference vector (k-shot minus zero-shot activations of the training pairs) and Δ's random control "
            + "(its norm on its active heads, R random directions, averaged). 0: neither. Rule tasks only. Default: ${DEFAULT-VALUE}.") int controls;

    @Override
    public Integer call() {
        Outputs.checkFile(save, "--save");
        Outputs.checkFolder(plots, "--plots");
        Experiment.Settings checked = options.settings(layer); // every option checked before the model loads
        long[] seeds = options.seeds(seedsOption);
        Experiment.checkShots(checked.shots(), checked.nTrain());
        Path file = Datasets.file(task);
        boolean distribution = laai.tasks.DistributionTask.isDistributionFile(file);
        Task t = distribution ? null : Task.resolve(task, Datasets.dir());
        laai.tasks.DistributionTask d = distribution ? laai.tasks.DistributionTask.load(file) : null;
        Experiment.Settings settings = options.settings(layer);
        if (controls < 0) throw new IllegalArgumentException("--controls must be ≥ 0 (random directions), got " + controls);
        if (controls > 0 && distribution) throw new IllegalArgumentException("--controls applies to rule tasks, not to " + task);
        if (controls > 0) laai.eval.Controls.checkShots(settings.shots(), settings.nTrain());
        Finished finished = new Finished(new TerminalProgress(!model.json));
        try (Sigint sigint = Sigint.interruptsThisThread();
             DecoderModel m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, laai.tasks.PromptTemplate.DEFAULT), model.name(), options.scorer());
            List<Experiment.Outcome> outcomes;
            List<ResultRow> rows;
            try {
                outcomes = distribution
                        ? experiment.interveneDistributionSeeds(d, settings, seeds, finished)
                        : experiment.interveneSeeds(t, settings, seeds, finished);
                rows = Experiment.rows(outcomes);
                if (controls > 0) rows = withControls(rows, experiment, t, settings, seeds, outcomes, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, saveSoFar(finished, settings));
            }
            Experiment.Outcome last = outcomes.get(outcomes.size() - 1);
            String failed = save == null ? null : Outputs.attempt("--save", () -> last.delta(Method.DELTA).save(save));
            if (failed == null && plots != null) {
                failed = Outputs.attempt("--plots", () -> {
                    laai.report.Plots.save(laai.report.Plots.headNorms(last.delta(Method.DELTA)), plots.resolve("head-norms"));
                    java.util.Map<String, List<Double>> losses = new java.util.LinkedHashMap<>();
                    last.trained().forEach((method, run) -> losses.put(method.label(), run.result().losses()));
                    laai.report.Plots.save(laai.report.Plots.lossPerStep(losses), plots.resolve("loss-per-step"));
                });
            }
            return print(rows, model.json, failed);
        }
    }

    /** The rows, then each seed's mean-difference and random-control rows (against that seed's Δ). */
    private List<ResultRow> withControls(List<ResultRow> rows, Experiment experiment, Task t, Experiment.Settings settings,
                                         long[] seeds, List<Experiment.Outcome> outcomes, Finished finished) {
        List<ResultRow> all = new java.util.ArrayList<>(rows);
        laai.eval.Controls c = new laai.eval.Controls(experiment);
        for (int i = 0; i < seeds.length; i++) {
            Experiment.Settings s = settings.withSeed(seeds[i]);
            laai.tasks.Split split = experiment.split(t, s);
            laai.intervention.Delta delta = outcomes.get(i).delta(Method.DELTA);
            for (ResultRow row : List.of(c.meanDifferenceRow(split, s), c.randomControlRow(split, s, delta, controls))) {
                finished.rowFinished(row);
                all.add(row);
            }
        }
        return all;
    }

    /**
     * After an interrupt, {@code --save} writes the regularised Δ trained so far (the best seen
     * before the interrupt, when its training was cut short); says what happened, for the report.
     */
    private String saveSoFar(Finished finished, Experiment.Settings settings) {
        String notes = plots == null ? null : "--plots not written";
        if (save == null) return notes;
        Finished.TrainedDelta regularized = finished.deltas().stream()
                .filter(d -> d.job().settings().withSeed(settings.seed()).equals(settings)).reduce((first, last) -> last)
                .orElse(null);
        String saved;
        if (regularized == null) {
            saved = "no Δ trained yet, --save not written";
        } else {
            Stopped.clearInterrupt();
            String failed = Outputs.attempt("--save", () -> regularized.delta().save(save));
            saved = failed != null ? failed
                    : "the Δ trained so far saved to " + save + " (" + regularized.trained().result().stopReason() + ")";
        }
        return notes == null ? saved : saved + "; " + notes;
    }

    static void print(List<ResultRow> rows, boolean json) {
        print(rows, json, null);
    }

    /** The rows, one per method over the seeds run; see {@link #print(List, boolean, String, boolean)}. */
    static int print(List<ResultRow> rows, boolean json, String failed) {
        return print(rows, json, failed, true);
    }

    /**
     * The rows (with {@code aggregate}, rows at several seeds as one row each: {@link SeedAggregate}),
     * after a line naming the scorer and the intervals, then (when a write after the work failed) its
     * message: exit code 1, the results kept. With --json: {"scorer", "intervals", "rows"}, and
     * "per_seed_rows" where rows were aggregated.
     */
    static int print(List<ResultRow> perSeed, boolean json, String failed, boolean aggregate) {
        List<ResultRow> rows = aggregate ? SeedAggregate.aggregate(perSeed) : perSeed;
        if (json) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            String scorer = perSeed.stream().map(ResultRow::scorer).filter(s -> !s.isEmpty()).findFirst().orElse(null);
            out.put("scorer", scorer);
            out.put("intervals", ResultTables.legend(List.of()));
            out.put("rows", rows.stream().map(ResultRow::asMap).toList());
            if (rows.size() != perSeed.size()) out.put("per_seed_rows", perSeed.stream().map(ResultRow::asMap).toList());
            if (failed != null) out.put("error", failed);
            Json.print(out);
        } else {
            System.out.println(ResultTables.legend(rows));
            System.out.print(ResultTables.text(rows));
        }
        if (failed == null) return 0;
        System.err.println("laai: " + failed);
        return 1;
    }
}
