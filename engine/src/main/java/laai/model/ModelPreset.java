package laai.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Published Hugging Face models whose shapes a random checkpoint can copy. Each one's config.json is
 * kept verbatim as a resource ({@code presets/NAME.json} beside this class), as the model's
 * repository serves it: numbers, nulls and key order included, since loaders read more than the
 * shapes (RoPE scaling, soft caps, windows, token ids).
 */
public enum ModelPreset {
    LLAMA_3_2_1B("llama-3.2-1b", "meta-llama/Llama-3.2-1B"),
    GEMMA_2_2B("gemma-2-2b", "google/gemma-2-2b"),
    LLAMA_3_8B("llama-3-8b", "meta-llama/Meta-Llama-3-8B"),
    /** v0.1: vocabulary 32000 and a 4096-token sliding window (v0.3 has 32768 and no window). */
    MISTRAL_7B("mistral-7b", "mistralai/Mistral-7B-v0.1"),
    QWEN2_5_0_5B("qwen2.5-0.5b", "Qwen/Qwen2.5-0.5B"),
    /** Per-head q and k norms, heads of 128 (16 × 128 = 2048 ≠ hidden 1024), tied head. */
    QWEN3_0_6B("qwen3-0.6b", "Qwen/Qwen3-0.6B");

    private final String id;
    private final String repository;

    ModelPreset(String id, String repository) {
        this.id = id;
        this.repository = repository;
    }

    /** The name on the command line, e.g. {@code llama-3.2-1b}. */
    public String id() {
        return id;
    }

    /** The Hugging Face repository whose config.json this is. */
    public String repository() {
        return repository;
    }

    /** A fresh copy of the published config.json. */
    public JsonObject config() {
        String resource = "presets/" + id + ".json";
        try (InputStream in = ModelPreset.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource + " beside " + ModelPreset.class.getName());
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The preset of a command-line name, case-insensitively; the message lists the names. */
    public static ModelPreset named(String id) {
        for (ModelPreset p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) return p;
        }
        throw new IllegalArgumentException("unknown model '" + id + "' (known: " + ids() + ")");
    }

    /** Every name, comma-separated, for help and messages. */
    public static String ids() {
        return Arrays.stream(values()).map(ModelPreset::id).collect(Collectors.joining(", "));
    }
}
