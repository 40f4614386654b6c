package laai.model.family;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import laai.checkpoint.CheckpointException;
import laai.model.ModelConfig;

import java.nio.file.Path;

/**
 * The keys of one config.json, read the way transformers' configuration classes read them: an
 * absent key (or, for most keys, a null one) takes the family's default; a malformed one is a
 * {@link CheckpointException} naming the file.
 */
final class ConfigReader {
    private final JsonObject c;
    final Path file;

    ConfigReader(JsonObject c, Path file) {
        this.c = c;
        this.file = file;
    }

    boolean has(String key) {
        return c.has(key);
    }

    /** Present and JSON null: "feature off" for some of Gemma-2's keys. */
    boolean isNull(String key) {
        return c.has(key) && c.get(key).isJsonNull();
    }

    JsonElement get(String key) {
        return c.get(key);
    }

    CheckpointException error(String message) {
        return new CheckpointException(file + ": " + message);
    }

    int positive(String key) {
        if (!c.has(key) || c.get(key).isJsonNull()) {
            throw new CheckpointException(file + " lacks \"" + key + "\"");
        }
        JsonElement e = c.get(key);
        double v;
        try {
            v = e.getAsDouble();
        } catch (RuntimeException notANumber) {
            throw error("\"" + key + "\" must be a positive integer, got " + e);
        }
        // Read as a double first: an int read of 1e12 wraps around to a negative number.
        if (!(v > 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw error("\"" + key + "\" must be a positive integer below 2^31, got " + e);
        }
        return (int) v;
    }

    int integer(String key, int dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsInt() : dflt;
    }

    double dbl(String key, double dflt) {
        return dbl(c, key, dflt);
    }

    private static double dbl(JsonObject o, String key, double dflt) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : dflt;
    }

    /** The value; 0 for an explicit null (feature off); {@code dflt} when absent. */
    double dblOrNone(String key, double dflt) {
        if (!c.has(key)) return dflt;
        return c.get(key).isJsonNull() ? 0 : c.get(key).getAsDouble();
    }

    boolean bool(String key, boolean dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsBoolean() : dflt;
    }

    String str(String key, String dflt) {
        return str(c, key, dflt);
    }

    private static String str(JsonObject o, String key, String dflt) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : dflt;
    }

    /** num_key_value_heads (default: num_attention_heads), which must divide the heads. */
    int kvHeads(int heads) {
        int kvHeads = integer("num_key_value_heads", heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw error("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        return kvHeads;
    }

    /** transformers' ACT2FN names this runtime implements (see DecoderModel's activation). */
    String activation(String name) {
        return switch (name) {
            case "silu", "swish" -> "silu";
            case "gelu_pytorch_tanh", "gelu_new", "gelu", "relu" -> name;
            default -> throw error("unsupported activation \"" + name
                    + "\" (supported: silu, gelu_pytorch_tanh, gelu_new, gelu, relu)");
        };
    }

    /** rope_theta, or (newer configs) rope_parameters.rope_theta. */
    double ropeTheta(double dflt) {
        if (c.has("rope_theta") && !c.get("rope_theta").isJsonNull()) return c.get("rope_theta").getAsDouble();
        JsonElement p = c.get("rope_parameters");
        if (p != null && p.isJsonObject()) return dbl(p.getAsJsonObject(), "rope_theta", dflt);
        return dflt;
    }

    ModelConfig.RopeScaling ropeScaling() {
        JsonElement e = c.get("rope_scaling");
        if (e == null || e.isJsonNull()) return null;
        JsonObject r = e.getAsJsonObject();
        String type = str(r, "rope_type", str(r, "type", "default"));
        return switch (type) {
            case "default" -> null;
            case "linear" -> new ModelConfig.RopeScaling(type, dbl(r, "factor", 1), 0, 0, 0);
            case "llama3" -> new ModelConfig.RopeScaling(type, dbl(r, "factor", 8), dbl(r, "low_freq_factor", 1),
                    dbl(r, "high_freq_factor", 4), r.has("original_max_position_embeddings")
                            && !r.get("original_max_position_embeddings").isJsonNull()
                            ? r.get("original_max_position_embeddings").getAsInt() : 8192);
            default -> throw error("unsupported rope_scaling type \"" + type + "\" (supported: llama3, linear)");
        };
    }

    /** torch_dtype, or (newer configs) dtype. */
    String dtype() {
        return str("torch_dtype", str("dtype", "float32"));
    }

    /** A token id or a list of them; none when absent or null. */
    int[] tokenIds(String key) {
        return ModelConfig.tokenIds(c.get(key));
    }

    /** A list of per-layer strings such as layer_types, checked against the layer count. */
    String[] perLayer(String key, int layers) {
        JsonArray a = c.get(key).getAsJsonArray();
        if (a.size() != layers) {
            throw error(key + " lists " + a.size() + " layers, num_hidden_layers is " + layers);
        }
        String[] out = new String[layers];
        for (int l = 0; l < layers; l++) out[l] = a.get(l).getAsString();
        return out;
    }
}
