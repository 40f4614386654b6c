package laai.eval;

import laai.tasks.DistributionTask;
import laai.tasks.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Every comparison of the paper on one model in one table: the four rule tasks (zero-shot,
 * k-shot, Δ without and with regularisation), opinion dynamics (mean KL), composition antonym →
 * English→French (sum, re-optimised, zero-shot), and the regularisation ablation over more seeds.
 * Every row can be run at several seeds, and then reads as their mean with an interval over seeds
 * and test items ({@link SeedAggregate}).
 */
public final class PaperTable {
    public static final List<String> RULE_TASKS = List.of("antonym", "synonym", "english-french", "english-german");

    private final Experiment experiment;
    private final Path datasets;

    public PaperTable(Experiment experiment, Path datasets) {
        this.experiment = experiment;
        this.datasets = datasets;
    }

    /** {@link #run(Experiment.Settings, int[], long[], long[], RunListener)} at the settings' seed alone. */
    public List<ResultRow> run(Experiment.Settings s, int[] layerPerTask, long[] extraSeeds, RunListener listener) {
        return run(s, layerPerTask, new long[] {s.seed()}, extraSeeds, listener);
    }

    /**
     * The rows of every seed; {@link SeedAggregate#aggregate} makes one row per method and task of them.
     *
     * @param layerPerTask layer for each rule task, in {@link #RULE_TASKS} order, then opinion, then composition
     * @param seeds        every row (baselines, Δs, opinion, composition) is run at each of these
     * @param extraSeeds   more seeds for the rule tasks' Δs alone (the regularisation ablation); those
     *                     already in {@code seeds} are skipped
     * @param listener     sees every row and Δ as it finishes: an interrupt ({@link laai.runtime.Interrupted})
     *                     leaves them to the caller
     */
    public List<ResultRow> run(Experiment.Settings s, int[] layerPerTask, long[] seeds, long[] extraSeeds,
                               RunListener listener) {
        return run(s, layerPerTask, seeds, extraSeeds, TableCheckpoint.none(), listener);
    }

    /**
     * As {@link #run(Experiment.Settings, int[], long[], long[], RunListener)}, in parts (each rule
     * task, opinion dynamics, composition) that {@code checkpoint} keeps once finished and gives back
     * when the same table runs again.
     */
    public List<ResultRow> run(Experiment.Settings s, int[] layerPerTask, long[] seeds, long[] extraSeeds,
                               TableCheckpoint checkpoint, RunListener listener) {
        if (layerPerTask.length != RULE_TASKS.size() + 2) {
            throw new IllegalArgumentException("one layer per rule task, then opinion, then composition: "
                    + (RULE_TASKS.size() + 2) + " layers");
        }
        if (seeds.length == 0) throw new IllegalArgumentException("at least one seed");
        java.util.Set<Long> main = new java.util.LinkedHashSet<>();
        for (long seed : seeds) main.add(seed);
        RunListener report = RunListener.orNone(listener);
        List<ResultRow> rows = new ArrayList<>();
        // One rule task at a time, all its seeds in one call, so that its Δs train as batched Δs.
        for (int i = 0; i < RULE_TASKS.size(); i++) {
            Task task = Task.resolve(RULE_TASKS.get(i), datasets);
            Experiment.Settings at = s.withLayer(layerPerTask[i]);
            List<Task> tasks = new ArrayList<>();
            List<Experiment.Settings> settings = new ArrayList<>();
            List<Boolean> baselines = new ArrayList<>();
            for (long seed : main) {
                tasks.add(task);
                settings.add(at.withSeed(seed));
                baselines.add(true);
            }
            for (long seed : extraSeeds) {
                if (main.contains(seed)) continue;
                tasks.add(task);
                settings.add(at.withSeed(seed));
                baselines.add(false);
            }
            rows.addAll(checkpoint.part(task.name(), report,
                    () -> Experiment.rows(experiment.interveneAll(tasks, settings, baselines, report))));
        }
        long[] mainSeeds = main.stream().mapToLong(Long::longValue).toArray();
        Path opinion = datasets.resolve("opinion-dynamics.json");
        if (Files.isRegularFile(opinion)) {
            rows.addAll(checkpoint.part("opinion-dynamics", report, () -> Experiment.rows(experiment.interveneDistributionSeeds(
                    DistributionTask.load(opinion), s.withLayer(layerPerTask[RULE_TASKS.size()]), mainSeeds, report))));
        }
        rows.addAll(checkpoint.part("composition", report, () -> Composition.rows(new Composition(experiment).runSeeds(
                Task.resolve("antonym", datasets), Task.resolve("english-french", datasets), 1, 1,
                s.withLayer(layerPerTask[RULE_TASKS.size() + 1]), Composition.Beyond.NONE, mainSeeds, report))));
        return rows;
    }

    /**
     * Everything this table's rows depend on besides the code and the datasets, in words: what a
     * {@link TableCheckpoint} is kept for.
     */
    public static String describe(String model, Scorer scorer, Experiment.Settings s, int[] layerPerTask, long[] seeds,
                                  long[] extraSeeds) {
        return "model " + model + ", scorer " + scorer.label() + ", layers "
                + java.util.Arrays.toString(layerPerTask) + ", seeds " + java.util.Arrays.toString(seeds) + ", extra seeds "
                + java.util.Arrays.toString(extraSeeds) + ", " + s;
    }

    /** The mean of {@code metric} over the rows of one task and method (over seeds); empty if none. */
    public static OptionalDouble mean(List<ResultRow> rows, String task, Method method, ToDoubleFunction<ResultRow> metric) {
        return rows.stream().filter(r -> r.task().equals(task) && r.method() == method).mapToDouble(metric).average();
    }

    /**
     * The paper's claims read off the table, one line each, every value with its interval: Δ
     * against zero-shot and k-shot per rule task, the regularised against the unregularised Δ
     * (over their seeds), Δ's KL against the k-shot baseline's, and the composed vector against
     * zero-shot and the re-optimised one. Each comparison says whether the two intervals overlap
     * ("overlap": the test items do not tell the two apart) or not ("apart"). Rows at several
     * seeds are aggregated first ({@link SeedAggregate}).
     */
    public static List<String> headlines(List<ResultRow> rows) {
        List<ResultRow> all = SeedAggregate.aggregate(rows);
        List<String> lines = new ArrayList<>();
        for (String task : RULE_TASKS) {
            Optional<ResultRow> zero = find(all, task, Method.ZERO_SHOT), few = find(all, task, Method.FEW_SHOT),
                    reg = find(all, task, Method.DELTA), unreg = find(all, task, Method.DELTA_UNREGULARIZED);
            if (zero.isEmpty() || reg.isEmpty() || unreg.isEmpty()) continue;
            ResultRow d = reg.get(), u = unreg.get();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-15s exact match (%s): zero-shot %s, few-shot %s; "
                    + "delta %s vs unregularized %s (%s; difference %+.3f, %s)",
                    task, d.scorer(), exact(zero.get()), few.map(PaperTable::exact).orElse("-"), exact(d), exact(u),
                    seedsText(d), d.exactMatch() - u.exactMatch(), overlap(d.exactMatchCi(), u.exactMatchCi())));
            line.append("; delta vs zero-shot: ").append(overlap(d.exactMatchCi(), zero.get().exactMatchCi()));
            few.ifPresent(f -> line.append(", vs few-shot: ").append(overlap(d.exactMatchCi(), f.exactMatchCi())));
            lines.add(line.toString());
        }
        for (String task : all.stream().filter(r -> !Double.isNaN(r.kl())).map(ResultRow::task).distinct().toList()) {
            Optional<ResultRow> few = find(all, task, Method.FEW_SHOT), delta = find(all, task, Method.DELTA);
            if (few.isEmpty() || delta.isEmpty()) continue;
            ResultRow d = delta.get(), f = few.get();
            lines.add(String.format(Locale.ROOT, "%-15s mean KL: delta %s vs few-shot %s (ratio %.2f, %s; %s), zero-shot %s",
                    task, kl(d), kl(f), d.kl() / f.kl(), overlap(d.klCi(), f.klCi()), seedsText(d),
                    find(all, task, Method.ZERO_SHOT).map(PaperTable::kl).orElse("-")));
        }
        for (String task : all.stream().filter(r -> r.method() == Method.DELTA_SUM).map(ResultRow::task).distinct().toList()) {
            ResultRow sum = find(all, task, Method.DELTA_SUM).orElseThrow();
            Optional<ResultRow> zero = find(all, task, Method.ZERO_SHOT), reoptimized = find(all, task, Method.DELTA_REOPTIMIZED);
            lines.add(String.format(Locale.ROOT, "%s exact match (%s): delta-sum %s vs zero-shot %s (%s), delta-reoptimized %s (%s; %s)",
                    task, sum.scorer(), exact(sum), zero.map(PaperTable::exact).orElse("-"),
                    zero.map(z -> overlap(sum.exactMatchCi(), z.exactMatchCi())).orElse("-"),
                    reoptimized.map(PaperTable::exact).orElse("-"),
                    reoptimized.map(r -> overlap(sum.exactMatchCi(), r.exactMatchCi())).orElse("-"), seedsText(sum)));
        }
        return lines;
    }

    private static Optional<ResultRow> find(List<ResultRow> aggregated, String task, Method method) {
        return aggregated.stream().filter(r -> r.task().equals(task) && r.method() == method).findFirst();
    }

    private static String exact(ResultRow r) {
        return Interval.format(r.exactMatch(), r.exactMatchCi(), 2);
    }

    private static String kl(ResultRow r) {
        return Interval.format(r.kl(), r.klCi(), 3);
    }

    private static String seedsText(ResultRow r) {
        return r.seeds().size() == 1 ? "seed " + r.seedsText() : r.seeds().size() + " seeds " + r.seedsText();
    }

    /** "intervals overlap" or "intervals apart". */
    static String overlap(Interval a, Interval b) {
        if (a.isNone() || b.isNone()) return "no intervals";
        return a.overlaps(b) ? "intervals overlap" : "intervals apart";
    }
}
