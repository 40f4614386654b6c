package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.DType;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static laai.model.Fixtures.logits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logits of tiny random checkpoints against golden logits from an independent reference: the
 * plain-torch forward of {@code src/test/resources/golden/reference_forward.py}, written from the
 * transformers eager modeling code (Llama, Qwen2, Qwen3, Gemma-2, GPT-2), run on the very files these
 * tests write (their SHA-256 is part of each golden file).
 *
 * <p>To regenerate after a change to the fixtures: run this class with
 * {@code -Dlaai.golden.dir=DIR} (it keeps the checkpoints there), then for each NAME
 * {@code python3 reference_forward.py DIR/NAME 1,17,42,5,88,23,61,9,30,77,12 > NAME.json} in
 * {@code src/test/resources/golden/} (torch ≥ 1.13 and numpy, no transformers needed).
 */
class GoldenLogitsTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static final long[] IDS = {1, 17, 42, 5, 88, 23, 61, 9, 30, 77, 12};

    /** Largest |Java − reference| over all logits, relative to the largest |reference logit|. */
    private static final double TOLERANCE = 1e-4;

    @Test
    void llamaMatchesTheReference() {
        compare("llama", Fixtures.tinyLlama());
    }

    @Test
    void qwen2MatchesTheReference() {
        compare("qwen2", Fixtures.tinyLlama().set("model_type", "qwen2"));
    }

    /**
     * Qwen3's per-head q and k norms before RoPE. The golden file also holds the reference's logits
     * with those norms left out and with them applied after RoPE: the model must be far from both,
     * so that this comparison would catch either mistake.
     */
    @Test
    void qwen3MatchesTheReference() {
        float[][] actual = compare("qwen3", Fixtures.tinyQwen3());
        JsonObject wrong = golden("qwen3").getAsJsonObject("wrong_orders");
        for (String order : new String[] {"none", "after_rope"}) {
            JsonArray rows = wrong.getAsJsonArray(order);
            double scale = 0, diff = 0;
            for (int t = 0; t < IDS.length; t++) {
                JsonArray row = rows.get(t).getAsJsonArray();
                for (int v = 0; v < row.size(); v++) {
                    scale = Math.max(scale, Math.abs(row.get(v).getAsDouble()));
                    diff = Math.max(diff, Math.abs(row.get(v).getAsDouble() - actual[t][v]));
                }
            }
            System.out.printf("golden qwen3, q/k norms %s: max |Java - reference| %.3g%n", order, diff);
            assertTrue(diff > 100 * TOLERANCE * scale, "q/k norms " + order + " would pass the golden comparison: "
                    + "the logits differ by only " + diff);
        }
    }

    @Test
    void gemma2MatchesTheReference() {
        compare("gemma2", Fixtures.tinyGemma2());
    }

    @Test
    void gpt2MatchesTheReference() {
        compare("gpt2", Fixtures.tinyGpt2());
    }

    /** Compares the model's logits with the golden ones and returns them. */
    private float[][] compare(String name, RandomCheckpoint random) {
        String keep = System.getProperty("laai.golden.dir");
        Path dir = random.write((keep != null ? Path.of(keep) : tmp).resolve(name), DType.F32, 0);
        JsonObject golden = golden(name);
        assertEquals(golden.get("sha256").getAsString(), sha256(dir.resolve("model.safetensors")),
                name + ": the fixture checkpoint changed since the golden logits were made; regenerate them "
                        + "(see this class's documentation)");
        JsonArray ids = golden.getAsJsonArray("ids");
        assertEquals(IDS.length, ids.size());
        for (int i = 0; i < IDS.length; i++) assertEquals(IDS[i], ids.get(i).getAsLong());
        JsonArray rows = golden.getAsJsonArray("logits");
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); NDScope s = new NDScope()) {
            float[][] actual = logits(model, IDS, null);
            double scale = 0, diff = 0;
            for (int t = 0; t < IDS.length; t++) {
                JsonArray row = rows.get(t).getAsJsonArray();
                assertEquals(row.size(), actual[t].length);
                for (int v = 0; v < row.size(); v++) {
                    double expected = row.get(v).getAsDouble();
                    scale = Math.max(scale, Math.abs(expected));
                    diff = Math.max(diff, Math.abs(expected - actual[t][v]));
                }
            }
            System.out.printf("golden %s: max |Java - reference| %.3g, largest logit %.3g%n", name, diff, scale);
            assertTrue(scale > 0.5, name + ": degenerate reference logits");
            assertTrue(diff <= TOLERANCE * scale, name + ": logits differ from the reference by " + diff
                    + " (largest logit " + scale + ")");
            return actual;
        }
    }

    private static JsonObject golden(String name) {
        try (InputStream in = GoldenLogitsTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertNotNull(in, "missing golden/" + name + ".json");
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
