package laai.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.intervention.Delta;
import laai.runtime.Djl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A demo-model table and its Δ, recorded with the code before the architecture redesign (issue 15:
 * {@code bin/laai intervene --task antonym --layer 2 --steps 30 --test 10 --json --save F} at commit
 * 6063975), reproduced bit for bit by today's code: every row's values (all but its wall-clock
 * seconds) and every float of the saved Δ. A refactoring that changes the numbers fails here.
 */
class RecordedTableTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    @Test
    void interveneOnTheDemoModelRepeatsTheRecordedRowsAndDelta() throws Exception {
        Path model = Datasets.dir().getParent().resolve("models/demo");
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")), "models/demo is absent");
        Path saved = tmp.resolve("delta.safetensors");
        CliTest.Run run = CliTest.run("intervene", "--task", "antonym", "--layer", "2", "--steps", "30", "--test", "10",
                "--json", "--save", saved.toString());
        assertEquals(0, run.code(), run.err());

        JsonArray recorded = JsonParser.parseString(resource("intervene-antonym-layer2.json")).getAsJsonObject()
                .getAsJsonArray("rows");
        JsonArray now = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("rows");
        assertEquals(recorded.size(), now.size());
        for (int i = 0; i < recorded.size(); i++) {
            assertEquals(withoutSeconds(recorded.get(i)), withoutSeconds(now.get(i)), "row " + i);
        }

        Path recordedDelta = tmp.resolve("recorded.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/recorded/intervene-antonym-layer2-delta.safetensors")) {
            Files.copy(in, recordedDelta, StandardCopyOption.REPLACE_EXISTING);
        }
        Delta before = Delta.load(recordedDelta), after = Delta.load(saved);
        assertEquals(before.layer(), after.layer());
        assertEquals(before.site(), after.site());
        assertArrayEquals(before.values(), after.values(), "the Δ's floats");
    }

    private static JsonObject withoutSeconds(JsonElement row) {
        JsonObject o = row.getAsJsonObject().deepCopy();
        o.remove("seconds");
        return o;
    }

    private String resource(String name) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/recorded/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
