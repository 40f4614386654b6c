package laai.spark;

import laai.eval.Experiment;
import laai.eval.GroupResult;
import laai.eval.Method;
import laai.eval.ModelSpec;
import laai.eval.ResultRow;
import laai.eval.RunGroup;
import laai.eval.RunSpec;
import laai.eval.SweepPlan;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Site;
import laai.runtime.Djl;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One sweep on the demo model, in this process and on Spark's local[2] (two task threads taking turns on
 * one loaded model): the same rows bit for bit, and the same Δs.
 */
class SparkSweepTest {
    static { Djl.engine(); }

    static final Path REPO = Path.of(System.getProperty("laai.repo", "..")).toAbsolutePath().normalize();
    static final Path DEMO = REPO.resolve("models/demo");
    static Task antonym;

    @BeforeAll
    static void task() {
        antonym = Task.resolve("antonym", REPO.resolve("datasets"));
    }

    static Experiment.Settings quick() {
        return new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 4, 6, 3, 2,
                new Optimizer.Settings(8, 0.05, Solver.PROXIMAL, 8, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    /** Two layers × γ ∈ {0, 0.01} × two seeds: two training groups of four Δs, two groups of baselines. */
    static SweepPlan plan(ModelSpec spec) {
        return SweepPlan.of(antonym, quick(), new int[] {0, 2}, new double[] {0, 0.01}, new double[] {0.01},
                new int[] {4}, new long[] {3, 4}, true, laai.eval.Scorer.DEFAULT, spec.config());
    }

    static ModelSpec demo() {
        return new ModelSpec(DEMO.toString(), "cpu", "f32", "auto", Integer.getInteger("ai.djl.pytorch.num_threads", 0));
    }

    /** Every column but the wall-clock seconds. */
    static List<Object> withoutSeconds(ResultRow r) {
        List<Object> v = new ArrayList<>(List.of(r.values()));
        v.remove(v.size() - 1);
        return v;
    }

    @Test
    void localSparkGivesTheInProcessTableBitForBit() {
        ModelSpec spec = demo();
        SweepPlan plan = plan(spec);
        assertEquals(4, plan.groups().size());
        List<ResultRow> inProcess = InProcessReference.get().rows();
        Map<String, laai.intervention.Delta> deltasInProcess = InProcessReference.get().deltas();
        List<GroupResult> finished = new ArrayList<>();
        int loadsBefore = WorkerModels.LOADS.get();
        List<GroupResult> results = new SparkSweep().run(plan, spec, "local[2]", finished::add);
        // At most one: none where an earlier test of this JVM loaded the same spec; four groups on two threads never load twice.
        assertTrue(WorkerModels.LOADS.get() - loadsBefore <= 1, "one model load for all four groups of this JVM");
        assertEquals(4, finished.size());
        List<ResultRow> onSpark = plan.rows(results);

        assertEquals(2 * (2 + 4), onSpark.size());
        for (int i = 0; i < inProcess.size(); i++) {
            assertEquals(withoutSeconds(inProcess.get(i)), withoutSeconds(onSpark.get(i)), "row " + i);
        }
        // Doubles compared by their bits, NaN included: "equal" above could hide nothing, but say it.
        assertTrue(inProcess.stream().anyMatch(r -> r.method() == Method.DELTA && r.activeHeads() >= 0));
        plan.deltas(results).forEach((run, t) -> {
            assertArrayEquals(deltasInProcess.get(run.deltaKey()).values(), t.delta().values(), run.describe());
            assertEquals("demo", t.delta().metadata().get("model"));
            assertEquals(String.valueOf(run.gamma()), t.delta().metadata().get("gamma"));
        });
        assertEquals(8, plan.deltas(results).size());
    }

    /** The command line, with what it printed on stdout and stderr. */
    record Cli(int status, String out, String err) {}

    static Cli cli(String... args) {
        java.io.PrintStream out = System.out, err = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(), e = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
            int status = laai.cli.Main.run(args);
            return new Cli(status, o.toString(java.nio.charset.StandardCharsets.UTF_8), e.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void theCommandLineRunsOnSparkAndSavesEveryDeltaWhereTheDriverReadsIt(@org.junit.jupiter.api.io.TempDir Path dir) {
        Cli run = cli("sweep", "--model", DEMO.toString(), "--task", "antonym", "--layers", "1", "--lassos", "0,0.01",
                "--train", "4", "--trains", "4", "--test", "4", "--shots", "2", "--steps", "3", "--no-baselines",
                "--spark", "local[2]", "--deltas", dir.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("\"gamma\":0.0,") && run.out().contains("\"gamma\":0.01,"), run.out());
        laai.intervention.Delta saved = laai.intervention.Delta.load(dir.resolve("antonym-layer1-heads-gamma0.01-lambda0.01-n4-seed0.safetensors"));
        assertEquals(1, saved.layer());
        assertEquals(Site.HEADS, saved.site());
        assertEquals("antonym", saved.metadata().get("task"));
        assertEquals("0.01", saved.metadata().get("gamma"));
        assertEquals("3", saved.metadata().get("steps"));
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("antonym-layer1-heads-gamma0.0-lambda0.01-n4-seed0.safetensors")));
    }

    @Test
    void aMalformedSweepFailsWithTheUsualMessageBeforeSparkStarts() {
        int started = SparkSweep.CONTEXTS_STARTED.get();
        Cli layer = cli("sweep", "--model", DEMO.toString(), "--task", "antonym", "--layers", "1,4", "--spark", "local[2]", "--json");
        assertEquals(1, layer.status());
        assertTrue(layer.out().contains("layer 4 out of range 0..3"), layer.out());
        Cli task = cli("sweep", "--model", DEMO.toString(), "--task", "no-such-task", "--layers", "1", "--spark", "local[2]");
        assertEquals(1, task.status());
        assertTrue(task.err().contains("laai: no task 'no-such-task'"), task.err());
        assertEquals(started, SparkSweep.CONTEXTS_STARTED.get(), "no Spark context was started");
    }

    @Test
    void aRunThatFailsOnAnExecutorIsNamedInTheDriversError() {
        // Past the plan's checks on purpose (a plan made with SweepPlan.of would refuse it): N larger than the task.
        Experiment.Settings tooMany = quick().withTrain(antonym.size() + 1);
        RunSpec run = RunSpec.of(0, Method.ZERO_SHOT, "antonym", tooMany, laai.eval.Scorer.DEFAULT);
        SweepPlan bad = new SweepPlan(List.of(run), List.of(new RunGroup(0, antonym, List.of(run))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SparkSweep().run(bad, demo(), "local[1]", r -> {}));
        assertTrue(e.getMessage().contains("run 0 (zero-shot on antonym, N " + (antonym.size() + 1) + ", seed 3) failed"),
                e.getMessage());
    }
}
