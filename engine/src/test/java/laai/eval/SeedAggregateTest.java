package laai.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows over seeds into one row per method, without a model: rows made from per-item hits. */
class SeedAggregateTest {

    private static ResultRow row(String method, long seed, double[] exact) {
        double[] first = exact.clone();
        return ResultRow.measured(Method.of(method), "antonym", 2, "heads", 0.01, 0.01, 10, seed, 3, 100, 1.5, "fv",
                ItemScores.ofRun(exact, first, null));
    }

    private static double[] hits(int n, int ones) {
        double[] v = new double[n];
        for (int i = 0; i < ones; i++) v[i] = 1;
        return v;
    }

    @Test
    void aRowOfOneRunIsTheMeanOfItsItemsWithItsInterval() {
        ResultRow r = row("delta", 0, hits(50, 42));
        assertEquals(0.84, r.exactMatch(), 1e-12);
        assertTrue(r.exactMatchCi().contains(0.84), r.exactMatchCi().toString());
        assertEquals(Bootstrap.DEFAULT.interval(hits(50, 42)), r.exactMatchCi());
        assertTrue(Double.isNaN(r.kl()) && r.klCi().isNone(), "a rule task has no KL");
        assertEquals(List.of(0L), r.seeds());
    }

    @Test
    void rowsAtSeveralSeedsBecomeOneRowPerMethod() {
        List<ResultRow> rows = List.of(row("zero-shot", 0, hits(50, 1)), row("delta", 0, hits(50, 42)),
                row("zero-shot", 1, hits(50, 3)), row("delta", 1, hits(50, 45)), row("delta", 2, hits(40, 36)));
        List<ResultRow> out = SeedAggregate.aggregate(rows);
        assertEquals(List.of("zero-shot", "delta"), out.stream().map(r -> r.method().label()).toList());
        ResultRow delta = out.get(1);
        assertEquals(List.of(0L, 1L, 2L), delta.seeds());
        assertEquals(-1, delta.seed());
        assertEquals((0.84 + 0.90 + 0.90) / 3, delta.exactMatch(), 1e-12, "the mean of the seeds' means");
        assertTrue(delta.exactMatchCi().contains(delta.exactMatch()), delta.exactMatchCi().toString());
        assertEquals(4.5, delta.seconds(), 1e-12, "seconds add up");
        assertEquals(3, delta.activeHeads());
        assertEquals(delta, SeedAggregate.aggregate(List.of(delta)).get(0), "aggregating again changes nothing");
        assertSame(rows.get(0), SeedAggregate.aggregate(List.of(rows.get(0))).get(0));
    }

    @Test
    void differentSettingsOrScorersAreNotMerged() {
        ResultRow a = row("delta", 0, hits(10, 5));
        ResultRow strict = ResultRow.measured(Method.DELTA, "antonym", 2, "heads", 0.01, 0.01, 10, 1, 3, 100, 1, "strict",
                ItemScores.ofRun(hits(10, 5), hits(10, 5), null));
        ResultRow otherGamma = ResultRow.measured(Method.DELTA, "antonym", 2, "heads", 0, 0.01, 10, 1, 3, 100, 1, "fv",
                ItemScores.ofRun(hits(10, 5), hits(10, 5), null));
        assertEquals(3, SeedAggregate.aggregate(List.of(a, strict, otherGamma)).size());
    }

    @Test
    void jsonColumnsCarryTheBoundsAndTheSeeds() {
        ResultRow single = row("delta", 4, hits(50, 42));
        Map<String, Object> m = single.asMap();
        assertEquals(List.of(ResultRow.COLUMNS), List.copyOf(m.keySet()));
        assertEquals(single.exactMatchCi().low(), m.get("exact_match_low"));
        assertEquals(single.exactMatchCi().high(), m.get("exact_match_high"));
        assertEquals(single.firstTokenCi().low(), m.get("first_token_acc_low"));
        assertEquals(4L, m.get("seed"));
        assertEquals("fv", m.get("scorer"));
        assertTrue(Double.isNaN((Double) m.get("kl_low")), "no KL on a rule task (JSON writes null)");
        Map<String, Object> aggregated = SeedAggregate.aggregate(List.of(single, row("delta", 5, hits(50, 40)))).get(0).asMap();
        assertNull(aggregated.get("seed"), "a row over several seeds has no one seed");
        assertEquals(List.of(4L, 5L), aggregated.get("seeds"));
    }
}
