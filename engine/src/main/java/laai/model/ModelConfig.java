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
 * a decoder of one of the supported families, with each family's defaults filled in the way
 * transformers fills them (its {@code configuration_*.py} class attributes).
 */
public record ModelConfig(
        Family family,
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,             // independent of hiddenSize / numHeads for Gemma-2 (2B: 8 × 256 ≠ 2304)
        float rmsNormEps,        // the epsilon of every norm: RMSNorm, or GPT-2's LayerNorm (layer_norm_epsilon)
        double ropeTheta,
        RopeScaling ropeScaling,
        int vocabSize,
        boolean tieWordEmbeddings,
        boolean attentionBias,   // q, k, v (and o for Llama's attention_bias) carry biases
        boolean outputBias,      // o_proj carries a bias (Llama attention_bias; not Qwen2)
        boolean mlpBias,
        int[] slidingWindowPerLayer, // 0 = full attention for that layer
        int maxPositionEmbeddings,   // GPT-2: n_positions, the size of its learned position table
        int bosTokenId,          // -1 when the checkpoint names none
        int[] eosTokenIds,
        String torchDtype,
        String hiddenAct,        // the MLP's activation: silu, gelu_pytorch_tanh, gelu_new, gelu, relu
        double queryPreAttnScalar,    // attention scores are scaled by queryPreAttnScalar^-1/2
        double attnLogitSoftcapping,  // 0 = none; else scores become cap·tanh(scores / cap)
        double finalLogitSoftcapping) {

    /** One weight-name mapping and one set of numerics per family; see {@link DecoderModel}. */
    public enum Family {
        LLAMA, MISTRAL, QWEN2, GEMMA2, GPT2;

        /** Rotary position embeddings (all but GPT-2, which learns a position table). */
        public boolean usesRope() {
            return this != GPT2;
        }
    }

    /** The {@code model_type} values this runtime runs, for messages and {@code info}. */
    public static final String SUPPORTED = "llama, mistral, qwen2, gemma2, gpt2";

    /** RoPE frequency scaling ({@code rope_scaling}); {@code type} is "llama3" or "linear". */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings) {}

    public int qDim() { return numHeads * headDim; }

    public int kvDim() { return numKvHeads * headDim; }

    /** Throws the one message every entry point gives for a layer outside 0 .. L−1. */
    public void checkLayer(int layer) {
        if (layer < 0 || layer >= numLayers) {
            throw new IllegalArgumentException("layer " + layer + " out of range 0.." + (numLayers - 1));
        }
    }

    /** The epsilon of every norm (RMSNorm or LayerNorm); the same as {@link #rmsNormEps()}. */
    public float normEps() { return rmsNormEps; }

    /** The factor applied to q·k: {@code queryPreAttnScalar^-1/2} (1/√headDim outside Gemma-2). */
    public double attentionScale() { return 1.0 / Math.sqrt(queryPreAttnScalar); }

    /**
     * Parameters of the weight matrices (embeddings, head when untied, attention and MLP of every
     * layer; biases and norms are left out, under 0.1 % at any real size), from the config alone,
     * so a size-dependent choice can be made before loading anything.
     */
    public long parameterCount() {
        long embedding = (long) vocabSize * hiddenSize;
        if (!tieWordEmbeddings) embedding *= 2;
        if (!family.usesRope()) embedding += (long) maxPositionEmbeddings * hiddenSize;
        long attention = (long) hiddenSize * (qDim() + 2L * kvDim()) + (long) qDim() * hiddenSize;
        long mlp = (family == Family.GPT2 ? 2L : 3L) * hiddenSize * intermediateSize; // GPT-2 has no gate
        return embedding + numLayers * (attention + mlp);
    }

    private static String kind(com.google.gson.JsonElement e) {
        return e.isJsonArray() ? "array" : e.isJsonNull() ? "null" : "value " + e;
    }

    public static ModelConfig load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(Files.exists(dir) ? dir + " is a file, not a model folder (pass the folder that holds config.json)"
                    : "model folder " + dir + " does not exist");
        }
        Path file = dir.resolve("config.json");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing config.json in " + dir + " (is this a Hugging Face model folder?)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage());
        }
        if (text.isBlank()) throw new CheckpointException(file + " is empty");
        com.google.gson.JsonElement parsed;
        try {
            parsed = JsonParser.parseString(text);
        } catch (RuntimeException e) {
            throw new CheckpointException(file + " is not valid JSON: " + laai.checkpoint.StrictJson.reason(e));
        }
        if (!parsed.isJsonObject()) throw new CheckpointException(file + " holds a JSON " + kind(parsed) + ", not an object");
        JsonObject json = parsed.getAsJsonObject();
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
            case "gemma2" -> Family.GEMMA2;
            case "gpt2" -> Family.GPT2;
            default -> throw new CheckpointException(file + ": unsupported model_type \"" + modelType
                    + "\" (supported: " + SUPPORTED + ")");
        };
        return switch (family) {
            case GEMMA2 -> gemma2(c, file, modelType);
            case GPT2 -> gpt2(c, file, modelType);
            default -> llama(c, file, modelType, family);
        };
    }

    /** Llama, Mistral, Qwen2: transformers' LlamaConfig / MistralConfig / Qwen2Config. */
    private static ModelConfig llama(JsonObject c, Path file, String modelType, Family family) {
        int hidden = positive(c, "hidden_size", file);
        int heads = positive(c, "num_attention_heads", file);
        int layers = positive(c, "num_hidden_layers", file);
        int kvHeads = kvHeads(c, heads, file);
        if (!c.has("head_dim") && hidden % heads != 0) {
            throw new CheckpointException(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + " (and there is no head_dim)");
        }
        int headDim = c.has("head_dim") ? positive(c, "head_dim", file) : hidden / heads;
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
                ropeTheta(c, 10000.0),
                ropeScaling(c, file),
                positive(c, "vocab_size", file),
                bool(c, "tie_word_embeddings", false),
                qkvBias, oBias, bool(c, "mlp_bias", false),
                windows,
                integer(c, "max_position_embeddings", 4096),
                integer(c, "bos_token_id", -1),
                tokenIds(c.get("eos_token_id")),
                dtype(c), "silu", headDim, 0, 0);
    }

    /**
     * Gemma-2 (transformers' Gemma2Config): head_dim defaults to 256 whatever the hidden size,
     * attention scores are scaled by query_pre_attn_scalar^-1/2 and soft-capped, final logits are
     * soft-capped, and layers alternate sliding-window (even layers) and full attention unless
     * layer_types says otherwise. A key given as null switches its feature off; an absent key takes
     * transformers' default.
     */
    private static ModelConfig gemma2(JsonObject c, Path file, String modelType) {
        int hidden = positive(c, "hidden_size", file);
        int heads = positive(c, "num_attention_heads", file);
        int layers = positive(c, "num_hidden_layers", file);
        int kvHeads = kvHeads(c, heads, file);
        int headDim = integer(c, "head_dim", 256);
        if (bool(c, "use_bidirectional_attention", false)) {
            throw new CheckpointException(file + ": bidirectional Gemma-2 (an encoder) is not a causal LM");
        }
        // Gemma2MLP reads hidden_activation; hidden_act is a leftover of Gemma 1 configs.
        String act = activation(str(c, "hidden_activation", "gelu_pytorch_tanh"), file);
        int window = c.has("sliding_window") && c.get("sliding_window").isJsonNull() ? 0 : integer(c, "sliding_window", 4096);
        int[] windows = new int[layers];
        JsonElement types = c.get("layer_types");
        for (int l = 0; l < layers; l++) {
            boolean sliding;
            if (types != null && !types.isJsonNull()) {
                JsonArray a = types.getAsJsonArray();
                if (a.size() != layers) {
                    throw new CheckpointException(file + ": layer_types lists " + a.size() + " layers, num_hidden_layers is " + layers);
                }
                String t = a.get(l).getAsString();
                if (!t.equals("sliding_attention") && !t.equals("full_attention")) {
                    throw new CheckpointException(file + ": unsupported layer type \"" + t + "\"");
                }
                sliding = t.equals("sliding_attention");
            } else {
                sliding = l % 2 == 0; // Gemma2Config: "sliding_attention" if (i + 1) % 2 else "full_attention"
            }
            windows[l] = sliding ? window : 0;
        }
        boolean bias = bool(c, "attention_bias", false);
        return new ModelConfig(Family.GEMMA2, modelType, hidden, positive(c, "intermediate_size", file), layers, heads,
                kvHeads, headDim,
                (float) dbl(c, "rms_norm_eps", 1e-6),
                ropeTheta(c, 10000.0),
                ropeScaling(c, file),
                positive(c, "vocab_size", file),
                bool(c, "tie_word_embeddings", true),
                bias, bias, false,
                windows,
                integer(c, "max_position_embeddings", 8192),
                integer(c, "bos_token_id", 2),
                c.has("eos_token_id") ? tokenIds(c.get("eos_token_id")) : new int[] {1},
                dtype(c), act,
                dbl(c, "query_pre_attn_scalar", 256),
                dblOrNone(c, "attn_logit_softcapping", 50.0),
                dblOrNone(c, "final_logit_softcapping", 30.0));
    }

    /**
     * GPT-2 (transformers' GPT2Config, whose keys are n_embd, n_layer, n_head, n_inner, n_positions,
     * layer_norm_epsilon, activation_function): full multi-head attention with biases everywhere,
     * scores scaled by 1/√headDim when scale_attn_weights (the default), learned positions, a
     * 4·n_embd MLP unless n_inner is set, and the head tied to the token embeddings.
     */
    private static ModelConfig gpt2(JsonObject c, Path file, String modelType) {
        int hidden = c.has("n_embd") ? positive(c, "n_embd", file) : positive(c, "hidden_size", file);
        int layers = c.has("n_layer") ? positive(c, "n_layer", file) : positive(c, "num_hidden_layers", file);
        int heads = c.has("n_head") ? positive(c, "n_head", file) : positive(c, "num_attention_heads", file);
        if (hidden % heads != 0) {
            throw new CheckpointException(file + ": n_embd " + hidden + " is not a multiple of n_head " + heads);
        }
        if (bool(c, "scale_attn_by_inverse_layer_idx", false)) {
            throw new CheckpointException(file + ": scale_attn_by_inverse_layer_idx is not supported");
        }
        if (bool(c, "add_cross_attention", false)) {
            throw new CheckpointException(file + ": GPT-2 with cross-attention is not a decoder-only LM");
        }
        int headDim = hidden / heads;
        int inner = integer(c, "n_inner", 4 * hidden);
        String act = activation(str(c, "activation_function", "gelu_new"), file);
        return new ModelConfig(Family.GPT2, modelType, hidden, inner, layers, heads, heads, headDim,
                (float) dbl(c, "layer_norm_epsilon", 1e-5),
                0, null,
                integer(c, "vocab_size", 50257),
                bool(c, "tie_word_embeddings", true),
                true, true, true,
                new int[layers],
                integer(c, "n_positions", integer(c, "max_position_embeddings", 1024)),
                integer(c, "bos_token_id", 50256),
                c.has("eos_token_id") ? tokenIds(c.get("eos_token_id")) : new int[] {50256},
                dtype(c), act,
                // GPT2Attention divides by value.size(-1) ** 0.5 only when scale_attn_weights
                bool(c, "scale_attn_weights", true) ? headDim : 1, 0, 0);
    }

    private static int kvHeads(JsonObject c, int heads, Path file) {
        int kvHeads = integer(c, "num_key_value_heads", heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new CheckpointException(file + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        return kvHeads;
    }

    /** transformers' ACT2FN names this runtime implements (see DecoderModel's activation). */
    private static String activation(String name, Path file) {
        return switch (name) {
            case "silu", "swish" -> "silu";
            case "gelu_pytorch_tanh", "gelu_new", "gelu", "relu" -> name;
            default -> throw new CheckpointException(file + ": unsupported activation \"" + name
                    + "\" (supported: silu, gelu_pytorch_tanh, gelu_new, gelu, relu)");
        };
    }

    /** rope_theta, or (newer configs) rope_parameters.rope_theta. */
    private static double ropeTheta(JsonObject c, double dflt) {
        if (c.has("rope_theta") && !c.get("rope_theta").isJsonNull()) return c.get("rope_theta").getAsDouble();
        JsonElement p = c.get("rope_parameters");
        if (p != null && p.isJsonObject()) return dbl(p.getAsJsonObject(), "rope_theta", dflt);
        return dflt;
    }

    private static String dtype(JsonObject c) {
        return str(c, "torch_dtype", str(c, "dtype", "float32"));
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
        JsonElement e = c.get(key);
        double v;
        try {
            v = e.getAsDouble();
        } catch (RuntimeException notANumber) {
            throw new CheckpointException(file + ": \"" + key + "\" must be a positive integer, got " + e);
        }
        // Read as a double first: an int read of 1e12 wraps around to a negative number.
        if (!(v > 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new CheckpointException(file + ": \"" + key + "\" must be a positive integer below 2^31, got " + e);
        }
        return (int) v;
    }

    private static int integer(JsonObject c, String key, int dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsInt() : dflt;
    }

    private static double dbl(JsonObject c, String key, double dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsDouble() : dflt;
    }

    /** The value; 0 for an explicit null (feature off); {@code dflt} when absent. */
    private static double dblOrNone(JsonObject c, String key, double dflt) {
        if (!c.has(key)) return dflt;
        return c.get(key).isJsonNull() ? 0 : c.get(key).getAsDouble();
    }

    private static boolean bool(JsonObject c, String key, boolean dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsBoolean() : dflt;
    }

    private static String str(JsonObject c, String key, String dflt) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsString() : dflt;
    }
}
