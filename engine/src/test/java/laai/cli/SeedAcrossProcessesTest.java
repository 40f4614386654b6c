package laai.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.model.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same seed gives the same table in two separate JVMs under the default collector (G1). It did
 * not while a gradient could read a constant the collector had freed (FreedConstantsTest): the
 * re-optimised composition Δ then parted after ~80 steps from one process to the next. Runs
 * `compose` on the demo model, whose three trainings take ~450 steps.
 */
class SeedAcrossProcessesTest {

    @Test
    void twoProcessesPrintTheSameComposeTable() throws Exception {
        List<JsonArray> tables = new ArrayList<>();
        for (int run = 0; run < 2; run++) tables.add(compose());
        for (JsonArray t : tables) {
            for (JsonElement row : t) row.getAsJsonObject().remove("seconds");
        }
        assertEquals(tables.get(0), tables.get(1));
    }

    private static JsonArray compose() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true",
                "-Dlaai.repo=" + Fixtures.repo(), "-cp", System.getProperty("java.class.path"), "laai.cli.Main",
                "compose", "--model", Fixtures.demoModel().toString(), "antonym", "english-french", "--layer", "1", "--json");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        JsonObject json = JsonParser.parseString(out.substring(out.indexOf('{'))).getAsJsonObject();
        return json.getAsJsonArray("rows");
    }
}
