package laai.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.CheckpointException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The typed content of a Hugging Face {@code config.json}: everything the runtime needs to build
 * a Llama-family decoder, with each family's defaults filled in the way transformers fills them.
 */
public record ModelConfig(
        Family family,
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        float rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int vocabSize,
        boolean tieWordEmbeddings,
        boolean attentionBias,   // q, k, v (and o for Llama's attention_bias) carry biases
        boolean outputBias,      // o_proj carries a bias (Llama attention_bias; not Qwen2)
        boolean mlpBias,
        int[] slidingWindowPerLayer, // 0 = full attention for that layer
        int maxPositionEmbeddings,
        int bosTokenId,          // -1 when the checkpoint names none
        int[] eosTokenIds,
        String torchDtype) {

    /** One weight-name mapping and one set of numerics per family; see {@link Llama}. */
    public enum Family { LLAMA, MISTRAL, QWEN2 }

    /** RoPE frequency scaling ({@code rope_scaling}); {@code type} is "llama3" or "linear". */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings) {}

    public int qDim() { return numHeads * headDim; }

    public int kvDim() { return numKvHeads * headDim; }

    public static ModelConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing config.json in " + dir + " (is this a Hugging Face model folder?)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage());
        }
        JsonObject json;
        try {
            json = JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new CheckpointException(file + " is not a JSON object: " + e.getMessage());
        }
        try {
            return parse(json, file);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    static ModelConfig parse(JsonObject c, Path file) {
        String modelType = str(c, "model_type", null);
        if (modelType == null) {
            throw new CheckpointException(file + " has no \"model_type\"");
        }
        Family family = switch (modelType.toLowerCase(Locale.ROOT)) {
            // SmolLM, TinyLlama, Llama 2/3 all declare "llama".
            case "llama" -> Family.LLAMA;
            case "mistral" -> Family.MISTRAL;
            case "qwen2" -> Family.QWEN2;
            default -> throw new CheckpointException(file + ": unsupported model_type \"" + modelType
                    + "\" (supported: llama, mistral, qwen2)");
        };
        int hidden = positive(c, "hidden_size", file);
        int heads = positive(c, "num_attention_heads", file);
        int layers = positive(c, "num_hidden_layers", file);
        int kvHeads = integer(c, "num_key_value_heads", heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new CheckpointException(file + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim = integer(c, "head_dim", hidden / heads);
        String act = str(c, "hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new CheckpointException(file + ": unsupported hidden_act \"" + act + "\" for " + modelType);
        }
        boolean qkvBias = family == Family.QWEN2 || bool(c, "attention_bias", false);
        boolean oBias = family != Family.QWEN2 && bool(c, "attention_bias", false);

        int[] windows = new int[layers];
        Integer window = c.has("sliding_window") && !c.get("sliding_window").isJsonNull()
                ? c.get("sliding_window").getAsInt() : null;
        if (window != null) {
            if (family == Family.MISTRAL) {
                java.util.Arrays.fill(windows, window);
            } else if (family == Family.QWEN2 && bool(c, "use_sliding_window", false)) {
                // transformers' Qwen2: layers from max_window_layers upward use the window.
                int from = integer(c, "max_window_layers", layers);
                for (int l = from; l < layers; l++) windows[l] = window;
            }
        }

        return new ModelConfig(family, modelType, hidden, positive(c, "intermediate_size", file), layers, heads,
                kvHeads, headDim,
                (float) dbl(c, "rms_norm_eps", 1e-6),
                dbl(c, "rope_theta", 10000.0),
                ropeScaling(c, file),
                positive(c, "vocab_size", file),
                bool(c, "tie_word_embeddings", false),
                qkvBias, oBias, bool(c, "mlp_bias", false),
                windows,
                integer(c, "max_position_embeddings", 4096),
                integer(c, "bos_token_id", -1),
                tokenIds(c.get("eos_token_id")),
                str(c, "torch_dtype", str(c, "dtype", "float32")));
    }

    private static RopeScaling ropeScaling(JsonObject c, Path file) {
        JsonElement e = c.get("rope_scaling");
        if (e == null || e.isJsonNull()) return null;
        JsonObject r = e.getAsJsonObject();
        String type = str(r, "rope_type", str(r, "type", "default"));
        return switch (type) {
            case "default" -> null;
            case "linear" -> new RopeScaling(type, dbl(r, "factor", 1), 0, 0, 0);
            case "llama3" -> new RopeScaling(type, dbl(r, "factor", 8), dbl(r, "low_freq_factor", 1),
                    dbl(r, "high_freq_factor", 4), integer(r, "original_max_position_embeddings", 8192));
            default -> throw new CheckpointException(file + ": unsupported rope_scaling type \"" + type
                    + "\" (supported: llama3, linear)");
        };
    }

    static int[] tokenIds(JsonElement e) {
        if (e == null || e.isJsonNull()) return new int[0];
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            int[] ids = new int[a.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = a.get(i).getAsInt();
            return ids;
        }
        return new int[] {e.getAsInt()};
    }

    private static int positive(JsonObject c, String key, Path file) {
        if (!c.has(key) || c.get(key).isJsonNull()) {
            throw new CheckpointException(file + " lacks \"" + key + "\"");
        }
        int v = c.get(key).getAsInt();
        if (v <= 0) throw new CheckpointException(file + ": \"" + key + "\" must be positive, got " + v);
        return v;
    }

    private static int integer(JsonObject c, String key, int dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsInt() : dflt;
    }

    private static double dbl(JsonObject c, String key, double dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsDouble() : dflt;
    }

    private static boolean bool(JsonObject c, String key, boolean dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsBoolean() : dflt;
    }

    private static String str(JsonObject c, String key, String dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsString() : dflt;
    }
}
