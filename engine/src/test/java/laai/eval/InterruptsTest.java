package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.Generator;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One way to stop on an interrupt everywhere: decoding, the model's layers, evaluation, training,
 * sweeps, composition and the paper's table all throw {@link Interrupted} at their next step or
 * batch, and their listener has been told every row and Δ finished before it. The interrupts here
 * come from the run's own listener, at a chosen moment, so each test is deterministic.
 */
class InterruptsTest {
    static { Djl.engine(); }

    private static final Path DATASETS = Fixtures.repo().resolve("datasets");
    private static DecoderModel model;
    private static TextTokenizer tokenizer;
    private static Experiment experiment;

    @BeforeAll
    static void load() {
        model = DecoderModel.load(Fixtures.demoModel(), Device.cpu(), DataType.FLOAT32);
        tokenizer = TextTokenizer.load(Fixtures.demoModel());
        experiment = new Experiment(model, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), "demo");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @AfterEach
    void clearTheFlag() {
        Thread.interrupted(); // Interrupted leaves the flag set; the next test starts clean
    }

    private static Experiment.Settings quick(int steps) {
        return new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 4, 6, 3, 2,
                new Optimizer.Settings(steps, 0.05, Solver.PROXIMAL, steps, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    /** A run's listener that interrupts its own thread when {@code when} first holds for a row. */
    private static Finished interruptAtRow(Function<ResultRow, Boolean> when) {
        return new Finished(new RunListener() {
            @Override
            public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
            }

            @Override
            public void rowFinished(ResultRow row) {
                if (when.apply(row)) Thread.currentThread().interrupt();
            }
        });
    }

    /** A run's listener that interrupts its own thread at optimisation step {@code at}. */
    private static Finished interruptAtStep(int at) {
        return new Finished((step, steps, loss, objective, activeHeads) -> {
            if (step == at) Thread.currentThread().interrupt();
        });
    }

    private static Task task(String name) {
        return Task.resolve(name, DATASETS);
    }

    @Test
    void decodingAndTheModelsLayersStopOnAnInterrupt() {
        long[][] prompts = {tokenizer.encode("hot :")};
        Thread.currentThread().interrupt();
        Interrupted e = assertThrows(Interrupted.class,
                () -> new Generator(model).greedy(prompts, 5, id -> false, null));
        assertEquals("interrupted during decoding", e.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set for the callers above");
        Thread.interrupted();
        // Without the interrupt the same call decodes.
        assertEquals(5, new Generator(model).greedy(prompts, 5, id -> false, null)[0].length);
    }

    @Test
    void anInterruptDuringTrainingKeepsTheBaselinesAndTheDeltasSoFar() {
        Finished finished = interruptAtStep(3);
        Interrupted e = assertThrows(Interrupted.class,
                () -> experiment.intervene(task("antonym"), quick(1000), finished));
        assertEquals("interrupted during training", e.getMessage());
        assertEquals(List.of("zero-shot", "few-shot"), finished.rows().stream().map(r -> r.method().label()).toList(),
                "the baselines run first and are finished");
        assertEquals(2, finished.deltas().size(), "both Δs of the batch, with their best so far");
        for (Finished.TrainedDelta d : finished.deltas()) {
            assertTrue(d.trained().result().stopReason().startsWith("interrupted before step 4"),
                    d.trained().result().stopReason());
            assertTrue(!d.complete());
        }
    }

    @Test
    void anInterruptDuringEvaluationKeepsTheRowsAndTheTrainedDeltas() {
        Finished finished = interruptAtRow(r -> r.method() == Method.DELTA_UNREGULARIZED);
        Interrupted e = assertThrows(Interrupted.class,
                () -> experiment.intervene(task("antonym"), quick(5), finished));
        assertTrue(e.getMessage().startsWith("interrupted during "), e.getMessage());
        assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized"),
                finished.rows().stream().map(r -> r.method().label()).toList());
        assertEquals(2, finished.deltas().size());
        assertTrue(finished.deltas().stream().allMatch(Finished.TrainedDelta::complete));
    }

    @Test
    void aFinishedRunReportsEveryRowAndDelta() {
        Finished finished = new Finished(null);
        List<ResultRow> rows = experiment.intervene(task("antonym"), quick(5), finished).rows();
        assertEquals(rows, finished.rows());
        assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta"),
                rows.stream().map(r -> r.method().label()).toList(), "the printed order is unchanged");
        assertEquals(2, finished.deltas().size());
    }

    @Test
    void sweepsCompositionAndThePaperTableStopAtTheirNextBatch() {
        Finished sweep = interruptAtRow(r -> r.method() == Method.ZERO_SHOT);
        assertThrows(Interrupted.class, () -> new Sweep(experiment).run(task("antonym"), quick(5), new int[] {0, 1},
                new double[] {0.01}, new double[] {0.01}, new int[] {4}, new long[] {3}, true, sweep));
        assertEquals(List.of("zero-shot"), sweep.rows().stream().map(r -> r.method().label()).toList());
        assertEquals(2, sweep.deltas().size(), "the sweep's Δs train before its rows");
        Thread.interrupted();

        Finished composition = interruptAtStep(2);
        assertThrows(Interrupted.class, () -> new Composition(experiment).run(task("antonym"), task("english-french"),
                1, 1, quick(1000), composition));
        assertEquals(List.of(), composition.rows());
        assertEquals(3, composition.deltas().size(), "Δ_A, Δ_B and the re-optimised Δ train together");
        Thread.interrupted();

        Finished table = interruptAtRow(r -> true);
        assertThrows(Interrupted.class, () -> new PaperTable(experiment, DATASETS).run(quick(5),
                new int[] {1, 1, 1, 1, 1, 1}, new long[0], table));
        assertEquals(1, table.rows().size(), "stopped in the batch after the first row");
    }
}
