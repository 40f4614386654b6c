package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table stopped after some parts continues from its checkpoint and ends with the rows of an uninterrupted run. */
class TableCheckpointTest {
    static { Djl.engine(); }

    private static final Path DATASETS = Fixtures.repo().resolve("datasets");
    private static final int[] LAYERS = {1, 1, 1, 1, 1, 1};
    private static final long[] SEEDS = {3}, EXTRA = {4};
    private static DecoderModel model;
    private static TextTokenizer tokenizer;
    private static Experiment experiment;

    @TempDir Path tmp;

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

    private static Experiment.Settings quick() {
        return new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 4, 6, 3, 2,
                new Optimizer.Settings(3, 0.05, Solver.PROXIMAL, 3, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    private static String table() {
        return PaperTable.describe("demo", experiment.scorer(), quick(), LAYERS, SEEDS, EXTRA);
    }

    /** Everything a row says but how long it took. */
    private static List<String> measured(List<ResultRow> rows) {
        return rows.stream().map(r -> String.join(" | ", r.method().label(), r.task(), String.valueOf(r.layer()),
                String.valueOf(r.seeds()), String.valueOf(r.exactMatch()), String.valueOf(r.exactMatchCi()),
                String.valueOf(r.firstTokenAcc()), String.valueOf(r.kl()), String.valueOf(r.klCi()),
                String.valueOf(r.activeHeads()), String.valueOf(r.steps()))).toList();
    }

    @Test
    void aTableStoppedInItsSecondPartContinuesWithoutRunningTheFirstAgain() {
        Path file = tmp.resolve("table.checkpoint");
        Finished stopped = new Finished(new RunListener() {
            @Override
            public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
            }

            @Override
            public void rowFinished(ResultRow row) {
                if (row.task().equals("synonym")) Thread.currentThread().interrupt();
            }
        });
        assertThrows(Interrupted.class, () -> new PaperTable(experiment, DATASETS).run(quick(), LAYERS, SEEDS, EXTRA,
                TableCheckpoint.open(file, table()), stopped));
        Thread.interrupted();
        assertEquals(List.of("antonym"), TableCheckpoint.open(file, table()).finished());

        Finished resumed = new Finished(null);
        List<ResultRow> rows = new PaperTable(experiment, DATASETS).run(quick(), LAYERS, SEEDS, EXTRA,
                TableCheckpoint.open(file, table()), resumed);
        // Two seeds × (Δ, unregularised Δ) per rule task; composition trains one more Δ on antonym (Δ_A).
        assertEquals(1, resumed.deltas().stream().filter(d -> d.job().task().equals("antonym")).count(),
                "antonym's rule-task Δs come from the checkpoint, not from training again");
        assertEquals(4, resumed.deltas().stream().filter(d -> d.job().task().equals("synonym")).count());
        assertEquals(List.of("antonym", "synonym", "english-french", "english-german", "opinion-dynamics", "composition"),
                TableCheckpoint.open(file, table()).finished());

        List<ResultRow> uninterrupted = new PaperTable(experiment, DATASETS).run(quick(), LAYERS, SEEDS, EXTRA, null);
        assertEquals(measured(uninterrupted), measured(rows));
        assertEquals(PaperTable.headlines(uninterrupted), PaperTable.headlines(rows));
    }

    @Test
    void anotherTablesCheckpointOrABrokenFileIsRefusedWithTheReason() throws Exception {
        Path file = tmp.resolve("other.checkpoint");
        TableCheckpoint first = TableCheckpoint.open(file, "model a");
        ResultRow row = ResultRow.measured(Method.ZERO_SHOT, "antonym", -1, "", Double.NaN, Double.NaN, 4, 0, -1, 0, 1.5, "fv",
                ItemScores.ofRun(new double[] {1, 0}, new double[] {1, 1}, null));
        assertEquals(List.of(row), first.part("antonym", RunListener.orNone(null), () -> List.of(row)));
        assertEquals(List.of(row), TableCheckpoint.open(file, "model a").part("antonym", RunListener.orNone(null),
                () -> { throw new AssertionError("a finished part runs again"); }));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> TableCheckpoint.open(file, "model b"));
        assertTrue(other.getMessage().contains("belongs to another table (model a)"), other.getMessage());

        Files.writeString(file, "not a checkpoint");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> TableCheckpoint.open(file, "model a"));
        assertTrue(broken.getMessage().contains("cannot be read") && broken.getMessage().contains("remove it"), broken.getMessage());
    }
}
