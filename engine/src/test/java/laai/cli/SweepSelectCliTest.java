package laai.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import laai.model.Fixtures;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/laai sweep --select}: bad input says what is wrong before the model loads; one setting runs and says so. */
class SweepSelectCliTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    @Test
    void badSelectionInputFailsWithOneClearLineBeforeTheModelLoads() {
        String nowhere = tmp.resolve("no-model").toString();
        String[][] cases = {
                // antonym has 418 pairs: 10 + 50 + 400 is too many.
                {"task antonym has 418 pairs; 10 training, 50 test and 400 validation pairs need 460 (lower --validation or --test)",
                        "--select", "--validation", "400"},
                {"--validation must be at least 1", "--select", "--validation", "0"},
                {"--validation sizes the validation split of --select", "--validation", "5"},
                {"--select runs in this process only, not with --spark", "--select", "--spark", "local[1]"},
        };
        for (String[] c : cases) {
            String[] args = new String[7 + c.length - 1];
            System.arraycopy(new String[] {"sweep", "--model", nowhere, "--task", "antonym", "--layers", "0-1"}, 0, args, 0, 7);
            System.arraycopy(c, 1, args, 7, c.length - 1);
            CliTest.Run r = CliTest.run(args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("laai: ") && r.err().contains(c[0]) && !r.err().contains("no-model"),
                    String.join(" ", args) + ": " + r.err());
        }
    }

    @Test
    void oneSettingIsSelectedAllTheSameAndTheOutputSaysSo() {
        CliTest.Run r = CliTest.run("sweep", "--model", Fixtures.demoModel().toString(), "--task", "antonym",
                "--layers", "2", "--trains", "4", "--test", "5", "--shots", "2", "--steps", "6",
                "--select", "--validation", "6", "--no-baselines", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("laai: note: one setting was swept, so --select had nothing to choose"), r.err());
        JsonObject out = CliTest.strictJson(r.out()).getAsJsonObject();
        assertEquals(6, out.get("validation_pairs").getAsInt());
        JsonArray validation = out.getAsJsonArray("validation_rows");
        assertEquals(1, validation.size());
        assertEquals("delta", validation.get(0).getAsJsonObject().get("method").getAsString());
        JsonObject selected = out.getAsJsonArray("selected").get(0).getAsJsonObject();
        assertEquals(2, selected.get("layer").getAsInt());
        assertEquals(1, selected.get("candidates").getAsInt());
        assertEquals(validation.get(0).getAsJsonObject().get("exact_match").getAsDouble(),
                selected.get("validation_exact_match").getAsDouble(), 0);
        JsonArray rows = out.getAsJsonArray("rows");
        assertEquals(1, rows.size(), "only the selected setting's test row");
        JsonObject test = rows.get(0).getAsJsonObject();
        assertEquals("delta-selected", test.get("method").getAsString());
        assertEquals(2, test.get("layer").getAsInt());
        assertTrue(out.get("note").getAsString().contains("nothing to choose"));

        // In text: the validation table, the choice, then the test row, each labelled.
        CliTest.Run text = CliTest.run("sweep", "--model", Fixtures.demoModel().toString(), "--task", "antonym",
                "--layers", "2", "--trains", "4", "--test", "5", "--shots", "2", "--steps", "6", "--select",
                "--validation", "6", "--no-baselines");
        assertEquals(0, text.code(), text.err());
        String o = text.out();
        int v = o.indexOf("Validation: every run on 6 pairs per seed"), s = o.indexOf("Selected at N 4: layer 2"),
                t = o.indexOf("Test: the selected setting's Δ on the test pairs, scored once");
        assertTrue(v >= 0 && v < s && s < t && o.indexOf("delta-selected") > t, o);
        assertTrue(o.contains("bootstrap intervals over the validation items"), o);
        assertTrue(text.err().contains("validation row finished: delta") && text.err().contains("test row finished: delta-selected"),
                text.err());
    }
}
