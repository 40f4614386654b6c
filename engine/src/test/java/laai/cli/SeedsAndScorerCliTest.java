package laai.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import laai.model.Fixtures;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --seeds and --scorer through the command line on the demo model: one row per method over the
 * seeds, with its interval, the seeds' own rows beside, and the scorer named.
 */
class SeedsAndScorerCliTest {
    static { Djl.engine(); }

    private static final String[] QUICK = {"--layer", "2", "--train", "4", "--test", "10", "--steps", "15", "--shots", "2"};

    private static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("intervene", "--model", Fixtures.demoModel().toString(), "--task", "antonym"));
        a.addAll(List.of(QUICK));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static JsonObject json(String... extra) {
        CliTest.Run run = CliTest.run(args(extra));
        assertEquals(0, run.code(), run.err());
        return CliTest.strictJson(run.out()).getAsJsonObject();
    }

    @Test
    void seedsAggregateIntoOneRowPerMethodWithAnIntervalOverSeedsAndItems() {
        JsonObject out = json("--seeds", "0,1", "--json");
        assertEquals("fv", out.get("scorer").getAsString());
        JsonArray rows = out.getAsJsonArray("rows"), perSeed = out.getAsJsonArray("per_seed_rows");
        assertEquals(4, rows.size(), "zero-shot, few-shot, delta-unregularized, delta");
        assertEquals(8, perSeed.size(), "four rows at each of two seeds");
        for (var e : rows) {
            JsonObject r = e.getAsJsonObject();
            String method = r.get("method").getAsString();
            assertTrue(r.get("seed").isJsonNull(), method);
            assertEquals(2, r.getAsJsonArray("seeds").size(), method);
            assertEquals("fv", r.get("scorer").getAsString());
            for (String metric : new String[] {"exact_match", "first_token_acc"}) {
                double v = r.get(metric).getAsDouble(), low = r.get(metric + "_low").getAsDouble(),
                        high = r.get(metric + "_high").getAsDouble();
                assertTrue(low <= v + 1e-12 && v <= high + 1e-12, method + " " + metric + " " + low + " " + v + " " + high);
            }
            assertTrue(r.get("kl").isJsonNull() && r.get("kl_low").isJsonNull() && r.get("kl_high").isJsonNull());
            // The value is the mean of the two seeds' values.
            double sum = 0;
            for (var p : perSeed) {
                if (p.getAsJsonObject().get("method").getAsString().equals(method)) sum += p.getAsJsonObject().get("exact_match").getAsDouble();
            }
            assertEquals(sum / 2, r.get("exact_match").getAsDouble(), 1e-12, method);
        }
        // The same seeds give the same table, intervals included (only the times differ).
        assertEquals(withoutTimes(rows), withoutTimes(json("--seeds", "0,1", "--json").getAsJsonArray("rows")));
    }

    private static JsonArray withoutTimes(JsonArray rows) {
        JsonArray copy = rows.deepCopy();
        for (var e : copy) e.getAsJsonObject().remove("seconds");
        return copy;
    }

    @Test
    void theTextTableShowsIntervalsAndNamesTheScorer() {
        CliTest.Run strict = CliTest.run(args("--scorer", "strict"));
        assertEquals(0, strict.code(), strict.err());
        assertTrue(strict.out().startsWith("exact match: strict"), strict.out());
        assertTrue(strict.out().matches("(?s).*\\n(delta|zero-shot) .* \\d\\.\\d\\d \\[\\d\\.\\d\\d, \\d\\.\\d\\d\\] .*"), strict.out());
        CliTest.Run bad = CliTest.run(args("--scorer", "loose", "--json"));
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("--scorer"), bad.out());
    }
}
