package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import laai.eval.ResultRow;
import laai.intervention.Delta;
import tech.tablesaw.api.Table;

/**
 * The analyses beyond the paper's tables, as magics on the real demo model: the controls of
 * {@code %intervene --controls}, the composition rows between the sum and re-optimisation of
 * {@code %compose}, and the transfer matrix of {@code %transfer}. Small step and test counts: this
 * checks the wiring and the shape of the results, not their values. (The arguments refused before
 * any work are in {@link MagicArgumentsTest}.)
 */
@RequiresModel
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BeyondThePaperMagicsTest {

    private static final String SMALL = " --steps 6 --test 3 --shots 2";

    private static RecordingHost host;

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
    void controlsAddTheirRowsPerSeedWithFiniteValuesAndIntervals() {
        Table table = (Table) host.run("intervene --task antonym --layer 1 --seeds 0,1 --controls 2" + SMALL);
        assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta", "mean-difference", "random-control"),
                table.stringColumn("method").asList());
        Map<String, ResultRow> rows = byMethod(Laai.session().lastRows());
        for (String method : List.of("mean-difference", "random-control")) {
            ResultRow row = rows.get(method);
            assertEquals(List.of(0L, 1L), row.seeds(), method + ": one control per seed, pooled as the seeds are");
            assertTrue(row.exactMatch() >= 0 && row.exactMatch() <= 1, row.toString());
            double low = row.exactMatchCi().low(), high = row.exactMatchCi().high();
            assertTrue(Double.isFinite(low) && Double.isFinite(high) && low <= row.exactMatch() && row.exactMatch() <= high,
                    method + " interval [" + low + ", " + high + "] around " + row.exactMatch());
            assertEquals(0, row.steps(), method + " needs no optimisation");
        }
        // The random control sits on Δ's active heads: as many as Δ's (its mean over the seeds).
        assertEquals(rows.get("delta").activeHeads(), rows.get("random-control").activeHeads());
        assertSame(table, Laai.session().lastTable());
    }

    @Test
    void composeReportsAllFourCompositionsWithTheirCostAndKeepsTheirDeltas() {
        host.progress.clear();
        Table table = (Table) host.run("compose antonym english-french --layer 1 --fit-steps 3 --refine-steps 2" + SMALL);
        assertEquals(List.of("zero-shot", "delta-sum", "delta-reoptimized", "delta-fitted", "delta-sum-refined"),
                table.stringColumn("method").asList());
        Map<String, ResultRow> rows = byMethod(Laai.session().lastRows());
        ResultRow sum = rows.get("delta-sum"), fitted = rows.get("delta-fitted"), refined = rows.get("delta-sum-refined");
        // The cost of the two between the sum and re-optimisation includes Δ_A's and Δ_B's training.
        assertEquals(sum.steps() + 3, fitted.steps(), "three Adam steps on α, β after Δ_A's and Δ_B's");
        assertTrue(refined.steps() > sum.steps() && refined.steps() <= sum.steps() + 2, refined.toString());
        for (String method : List.of("delta-sum", "delta-reoptimized", "delta-fitted", "delta-sum-refined")) {
            ResultRow row = rows.get(method);
            assertTrue(row.seconds() > 0 && row.steps() > 0, row.toString());
            assertTrue(row.exactMatch() >= 0 && row.exactMatch() <= 1, row.toString());
        }
        assertTrue(fitted.seconds() >= sum.seconds() - 0.05 && refined.seconds() >= sum.seconds() - 0.05,
                "seconds include Δ_A's and Δ_B's training: " + sum.seconds() + ", " + fitted.seconds() + ", " + refined.seconds());

        Delta fittedDelta = Laai.session().delta("antonym+english-french-fitted");
        assertNotNull(fittedDelta.metadata().get("weights"), "the fitted α, β");
        assertEquals(1, Laai.session().delta("antonym+english-french-refined").layer());
        assertTrue(Laai.session().deltas().keySet().containsAll(
                List.of("antonym", "english-french", "antonym+english-french", "antonym->english-french")));

        // The bar names the extra phases and never runs backwards across them.
        String progress = String.join("\n", host.progress);
        assertTrue(progress.contains("fitting α, β of α·Δ_A + β·Δ_B on antonym->english-french"), progress);
        assertTrue(progress.contains("Δ_A + Δ_B refined on antonym->english-french · step 2/2"), progress);
        long total = Long.parseLong(host.progress.get(0).substring(host.progress.get(0).lastIndexOf('/') + 1));
        assertEquals(3 * 6 + 2, total, "three trainings of 6 steps and a refinement of 2");
        long last = 0;
        for (String p : host.progress.subList(1, host.progress.size())) {
            if (p.startsWith("finish")) continue;
            long done = Long.parseLong(p.substring(0, p.indexOf(' ')));
            assertTrue(done >= last && done <= total, "progress went from " + last + " to " + done + ":\n" + progress);
            last = done;
        }
        assertTrue(host.progress.get(host.progress.size() - 1).startsWith("finish done · fitted α, β = "), progress);
    }

    @Test
    void transferIsTheSquareMatrixOfEveryDeltaOnEveryTask() {
        List<String> tasks = List.of("antonym", "synonym", "english-french");
        Table matrix = (Table) host.run("transfer --tasks " + String.join(",", tasks) + " --layer 1 --steps 6 --test 3");
        assertEquals(tasks.size(), matrix.rowCount());
        assertEquals(tasks.size() + 1, matrix.columnCount(), matrix.print());
        assertEquals(tasks, matrix.stringColumn("delta_of").asList());
        for (String task : tasks) {
            for (double v : matrix.doubleColumn(task).asDoubleArray()) {
                assertTrue(v >= 0 && v <= 1, matrix.print());
            }
            assertEquals(1, Laai.session().delta(task).layer(), "each task's Δ is kept under its name");
        }
        assertTrue(matrix.name().startsWith("%transfer at layer 1"), matrix.name());
        assertSame(matrix, Laai.session().lastTable());
    }

    private static Map<String, ResultRow> byMethod(List<ResultRow> rows) {
        return rows.stream().collect(Collectors.toMap(r -> r.method().label(), Function.identity()));
    }
}
