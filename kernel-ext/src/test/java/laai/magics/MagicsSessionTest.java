package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import laai.eval.ResultRow;
import laai.intervention.Delta;
import laai.kernel.MagicException;
import laai.model.DecoderModel;
import tech.tablesaw.api.Table;

/**
 * The magics on a real model, in this JVM, through the same dispatcher every host uses (the
 * protocol tests cover the kernel around them). Small step and test counts: this checks wiring,
 * not the paper's numbers.
 */
@RequiresModel
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MagicsSessionTest {

    private static final String SMALL = " --steps 12 --test 4 --shots 2";

    private static RecordingHost host;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        host = new RecordingHost();
        host.variables.put("MODEL", TestModel.path().toString());
        host.run("model load {MODEL}");
    }

    @AfterAll
    static void unload() {
        Laai.session().unload();
    }

    @Test
    void modelMagicAndJavaShareOneModelAndABadFolderKeepsIt() {
        DecoderModel model = Laai.session().model();
        Table info = (Table) host.run("model info");
        assertEquals(String.valueOf(model.config().numLayers()), info.stringColumn("value").get(2));
        int precision = info.stringColumn("property").indexOf("matmul precision");
        assertEquals("highest", info.stringColumn("value").get(precision), "auto keeps a small model at full F32");
        assertEquals(laai.runtime.MatmulPrecision.HIGHEST, laai.runtime.MatmulPrecision.current());
        assertThrows(MagicException.class, () -> host.run("model load " + tmp.resolve("missing")));
        assertSame(model, Laai.session().model(), "a folder that cannot be read leaves the model loaded");
    }

    @Test
    void anExplicitMatmulPrecisionIsSetForTheKernelAndShown() {
        try {
            Table info = (Table) host.run("model load {MODEL} --matmul-precision medium");
            int row = info.stringColumn("property").indexOf("matmul precision");
            assertEquals("medium", info.stringColumn("value").get(row));
            assertEquals(laai.runtime.MatmulPrecision.MEDIUM, laai.runtime.MatmulPrecision.current());
        } finally {
            host.run("model load {MODEL}"); // auto: back to full F32 for the other tests
        }
        assertEquals(laai.runtime.MatmulPrecision.HIGHEST, laai.runtime.MatmulPrecision.current());
    }

    @Test
    void interveneReturnsThePapersFourRowsAndKeepsBothDeltas() {
        host.run("task antonym --show 2");
        host.progress.clear();
        Table table = (Table) host.run("intervene --layer 1" + SMALL);
        assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta"),
                table.stringColumn("method").asList());
        for (ResultRow row : Laai.session().lastRows()) {
            assertTrue(row.exactMatch() >= 0 && row.exactMatch() <= 1, row.toString());
        }
        assertSame(table, Laai.session().lastTable());
        Delta delta = Laai.session().delta("antonym");
        assertEquals(1, delta.layer());
        assertEquals(0.0, Laai.session().delta("antonym-unregularized").metadata().containsKey("gamma")
                ? Double.parseDouble(Laai.session().delta("antonym-unregularized").metadata().get("gamma")) : -1);
        assertTrue(host.progress.stream().anyMatch(p -> p.contains("Δ (γ = λ = 0) · step 12/12 · loss ")
                && p.contains("active heads")), String.join("\n", host.progress));
        assertTrue(host.progress.get(host.progress.size() - 1).startsWith("finish done · Δ uses "));
    }

    @Test
    void aDivergingOptimisationIsOneMessageAndKeepsTheSession() {
        host.run("intervene --task synonym --layer 1 --name kept" + SMALL);
        Table before = Laai.session().lastTable();
        MagicException e = assertThrows(MagicException.class,
                () -> host.run("intervene --task synonym --layer 1 --lr 1e38 --name diverged --steps 5 --test 2"));
        assertTrue(e.getMessage().startsWith("the optimisation of Δ (γ = λ = 0) diverged: stopped: non-finite"),
                e.getMessage());
        assertTrue(e.getMessage().contains("smaller --lr"), e.getMessage());
        assertSame(before, Laai.session().lastTable());
        assertTrue(Laai.session().hasModel());
        assertFalse(Laai.session().deltas().containsKey("diverged"));
    }

    @Test
    void anInterruptStopsTrainingBetweenStepsAndKeepsTheDeltaSoFar() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                host.run("intervene --task antonym --layer 0 --name stopped --steps 100000 --patience 100000 --test 1 --shots 1");
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        cell.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (host.progress.stream().noneMatch(p -> p.contains("step 3/100000")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long t0 = System.nanoTime();
        cell.interrupt();
        cell.join(10_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(cell.isAlive());
        assertInstanceOf(CancellationException.class, thrown.get());
        Delta partial = Laai.session().delta("stopped-unregularized-interrupted");
        assertTrue(partial.metadata().get("stop_reason").startsWith("interrupted before step"),
                partial.metadata().toString());
        assertTrue(seconds < 2, "stopped " + seconds + " s after the interrupt");
    }

    @Test
    void deltasSaveLoadShowAndList() throws Exception {
        host.run("intervene --task english-french --layer 1 --name ef" + SMALL);
        Path file = tmp.resolve("ef.safetensors");
        host.run("delta save ef --file " + file);
        assertTrue(Files.size(file) > 0);
        host.run("delta load " + file);
        Delta loaded = Laai.session().delta("ef");
        assertEquals(Laai.session().delta("ef").layer(), loaded.layer());
        assertEquals("english-french", loaded.metadata().get("task"));
        assertInstanceOf(CategoryChart.class, host.run("delta show ef"));
        Table list = (Table) host.run("delta list");
        assertTrue(list.stringColumn("name").asList().contains("ef"));
    }

    @Test
    void composeBaselineAndSweepProduceTablesAndPlots() {
        // 0 skips the fitted and the refined sum (BeyondThePaperMagicsTest has them).
        Table composed = (Table) host.run("compose antonym english-french --layer 1 --fit-steps 0 --refine-steps 0" + SMALL);
        assertEquals(List.of("zero-shot", "delta-sum", "delta-reoptimized"), composed.stringColumn("method").asList());
        assertTrue(Laai.session().deltas().containsKey("antonym+english-french"));

        Table baseline = (Table) host.run("baseline few-shot --task antonym --test 4 --shots 2");
        assertEquals(List.of("few-shot"), baseline.stringColumn("method").asList());

        host.shown.clear();
        Object chart = host.run("sweep --task antonym --layers 1 --train 1,2 --no-baselines --steps 6 --test 3");
        assertInstanceOf(XYChart.class, chart);
        assertEquals("Exact match per number of training pairs", ((XYChart) chart).getTitle());
        Table table = (Table) host.shown.get(0);
        assertEquals(List.of(1, 2), table.intColumn("n_train").asList());
        assertEquals(2, Laai.session().lastSweep().deltas().size());
    }

    @Test
    void sweepSelectShowsTheValidationTableThenOneTestRowAndKeepsOnlyTheTestRow() {
        host.shown.clear();
        int before = Laai.session().allRows().size();
        Object chart = host.run("sweep --task antonym --layers 1,2 --train 3 --select --validation 4 --test 3 --steps 6"
                + " --shots 2");
        assertEquals("Validation exact match per layer", ((XYChart) chart).getTitle());
        Table validation = (Table) host.shown.get(0);
        Table test = (Table) host.shown.get(1);
        assertTrue(validation.name().contains("on 4 validation pairs per seed"), validation.name());
        assertEquals(List.of("zero-shot", "few-shot", "delta", "delta"), validation.stringColumn("method").asList());
        assertEquals(List.of("delta-selected"), test.stringColumn("method").asList());
        assertTrue(test.name().contains("test pairs scored once: N 3: layer "), test.name());
        List<ResultRow> kept = Laai.session().allRows();
        assertEquals(List.of("delta-selected"), kept.subList(before, kept.size()).stream().map(r -> r.method().label()).toList(),
                "validation rows are not kept as results");
        assertEquals(2, Laai.session().lastSweep().deltas().size());

        MagicException alone = assertThrows(MagicException.class,
                () -> host.run("sweep --task antonym --layers 1 --select --validation 1000"));
        assertTrue(alone.getMessage().contains("1000 validation pairs need"), alone.getMessage());
        IllegalArgumentException without = assertThrows(IllegalArgumentException.class,
                () -> host.run("sweep --task antonym --layers 1 --validation 4"));
        assertTrue(without.getMessage().contains("--validation sizes the validation split of --select"), without.getMessage());
    }

    @Test
    void aDistributionTaskIsScoredByKl() throws Exception {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < 16; i++) {
            double a = 0.1 + 0.8 * ((i * 37) % 11) / 10.0;
            json.append(String.format(Locale.ROOT, "{\"input\": \"Tim has %d friends. Does he like the park?\", "
                    + "\"options\": [\"red\", \"blue\", \"green\"], \"target\": [%.4f, %.4f, %.4f]}%s%n",
                    i, a * 0.8, a * 0.2, 1 - a, i < 15 ? "," : ""));
        }
        Path file = tmp.resolve("opinion.json");
        Files.writeString(file, json.append("]"));
        Table preview = (Table) host.run("task " + file + " --show 2");
        assertTrue(preview.name().contains("16 items over [red, blue, green]"), preview.name());
        Table table = (Table) host.run("intervene --layer 1 --train 6 --test 4 --steps 10 --shots 2");
        assertEquals(4, table.rowCount());
        for (double kl : table.doubleColumn("kl").asDoubleArray()) {
            assertTrue(Double.isFinite(kl) && kl >= 0, table.print());
        }
        MagicException e = assertThrows(MagicException.class, () -> host.run("sweep --layers 1"));
        assertTrue(e.getMessage().contains("is a distribution task"), e.getMessage());
    }
}
