package laai.eval;

import laai.intervention.StepListener;
import laai.tasks.DistributionTask;
import laai.tasks.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
     */
    public List<ResultRow> run(Experiment.Settings s, int[] layerPerTask, long[] extraSeeds, StepListener listener) {
        if (layerPerTask.length != RULE_TASKS.size() + 2) {
            throw new IllegalArgumentException("one layer per rule task, then opinion, then composition: "
                    + (RULE_TASKS.size() + 2) + " layers");
        }
        List<ResultRow> rows = new ArrayList<>();
        for (int i = 0; i < RULE_TASKS.size(); i++) {
            Task task = Task.resolve(RULE_TASKS.get(i), datasets);
            Experiment.Settings at = s.withLayer(layerPerTask[i]);
            rows.addAll(experiment.intervene(task, at, listener));
            for (long seed : extraSeeds) {
                List<ResultRow> more = experiment.intervene(task, at.withSeed(seed), listener);
                rows.addAll(more.stream().filter(r -> r.method().startsWith("delta")).toList());
            }
        }
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
}
