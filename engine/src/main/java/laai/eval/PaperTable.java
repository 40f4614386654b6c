package laai.eval;

import laai.tasks.DistributionTask;
import laai.tasks.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Every comparison of the paper on one model in one table: the four rule tasks (zero-shot,
 * k-shot, Δ without and with regularisation), opinion dynamics (mean KL), composition antonym →
 * English→French (sum, re-optimised, zero-shot), and the regularisation ablation over more seeds.
 */
public final class PaperTable {
    public static final List<String> RULE_TASKS = List.of("antonym", "synonym", "english-french", "english-german");

    private final Experiment experiment;
    private final Path datasets;

    public PaperTable(Experiment experiment, Path datasets) {
        this.experiment = experiment;
        this.datasets = datasets;
    }

    /**
     * @param layerPerTask layer for each rule task, in {@link #RULE_TASKS} order, then opinion, then composition
     * @param extraSeeds   seeds beyond s.seed() for the regularisation ablation
     * @param listener     sees every row and Δ as it finishes: an interrupt ({@link laai.runtime.Interrupted})
     *                     leaves them to the caller
     */
    public List<ResultRow> run(Experiment.Settings s, int[] layerPerTask, long[] extraSeeds, RunListener listener) {
        if (layerPerTask.length != RULE_TASKS.size() + 2) {
            throw new IllegalArgumentException("one layer per rule task, then opinion, then composition: "
                    + (RULE_TASKS.size() + 2) + " layers");
        }
        List<ResultRow> rows = new ArrayList<>();
        // The rule tasks (and their extra seeds) in one call, so that their Δs train as batched Δs.
        List<Task> tasks = new ArrayList<>();
        List<Experiment.Settings> settings = new ArrayList<>();
        List<Boolean> baselines = new ArrayList<>();
        for (int i = 0; i < RULE_TASKS.size(); i++) {
            Task task = Task.resolve(RULE_TASKS.get(i), datasets);
            Experiment.Settings at = s.withLayer(layerPerTask[i]);
            tasks.add(task);
            settings.add(at);
            baselines.add(true);
            for (long seed : extraSeeds) {
                tasks.add(task);
                settings.add(at.withSeed(seed));
                baselines.add(false);
            }
        }
        rows.addAll(experiment.interveneAll(tasks, settings, baselines, listener));
        Path opinion = datasets.resolve("opinion-dynamics.json");
        if (Files.isRegularFile(opinion)) {
            rows.addAll(experiment.interveneDistribution(DistributionTask.load(opinion),
                    s.withLayer(layerPerTask[RULE_TASKS.size()]), listener));
        }
        Composition.Outcome composed = new Composition(experiment).run(Task.resolve("antonym", datasets),
                Task.resolve("english-french", datasets), 1, 1, s.withLayer(layerPerTask[RULE_TASKS.size() + 1]), listener);
        rows.addAll(composed.rows());
        return rows;
    }

    /** The mean of {@code metric} over the rows of one task and method (over seeds); empty if none. */
    public static OptionalDouble mean(List<ResultRow> rows, String task, String method, ToDoubleFunction<ResultRow> metric) {
        return rows.stream().filter(r -> r.task().equals(task) && r.method().equals(method)).mapToDouble(metric).average();
    }

    /**
     * The paper's claims read off the table, one line each: Δ against zero-shot and k-shot per rule
     * task, the regularised against the unregularised Δ averaged over seeds, Δ's KL against the
     * k-shot baseline's, and the composed vector against zero-shot and the re-optimised one.
     */
    public static List<String> headlines(List<ResultRow> rows) {
        List<String> lines = new ArrayList<>();
        for (String task : RULE_TASKS) {
            OptionalDouble zero = mean(rows, task, "zero-shot", ResultRow::exactMatch),
                    few = mean(rows, task, "few-shot", ResultRow::exactMatch),
                    reg = mean(rows, task, "delta", ResultRow::exactMatch),
                    unreg = mean(rows, task, "delta-unregularized", ResultRow::exactMatch);
            if (zero.isEmpty() || reg.isEmpty() || unreg.isEmpty()) continue;
            long seeds = rows.stream().filter(r -> r.task().equals(task) && r.method().equals("delta")).count();
            lines.add(String.format(Locale.ROOT,
                    "%-15s exact match: zero-shot %.2f, few-shot %.2f; delta %.2f vs unregularized %.2f (mean of %d seeds, difference %+.3f)",
                    task, zero.getAsDouble(), few.orElse(Double.NaN), reg.getAsDouble(), unreg.getAsDouble(),
                    seeds, reg.getAsDouble() - unreg.getAsDouble()));
        }
        for (String task : rows.stream().filter(r -> !Double.isNaN(r.kl())).map(ResultRow::task).distinct().toList()) {
            OptionalDouble few = mean(rows, task, "few-shot", ResultRow::kl), delta = mean(rows, task, "delta", ResultRow::kl);
            if (few.isEmpty() || delta.isEmpty()) continue;
            lines.add(String.format(Locale.ROOT, "%-15s mean KL: delta %.3f vs few-shot %.3f (ratio %.2f), zero-shot %.3f",
                    task, delta.getAsDouble(), few.getAsDouble(), delta.getAsDouble() / few.getAsDouble(),
                    mean(rows, task, "zero-shot", ResultRow::kl).orElse(Double.NaN)));
        }
        for (String task : rows.stream().filter(r -> r.method().equals("delta-sum")).map(ResultRow::task).distinct().toList()) {
            lines.add(String.format(Locale.ROOT, "%s exact match: delta-sum %.2f vs zero-shot %.2f, delta-reoptimized %.2f",
                    task, mean(rows, task, "delta-sum", ResultRow::exactMatch).orElse(Double.NaN),
                    mean(rows, task, "zero-shot", ResultRow::exactMatch).orElse(Double.NaN),
                    mean(rows, task, "delta-reoptimized", ResultRow::exactMatch).orElse(Double.NaN)));
        }
        return lines;
    }
}
