package laai.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import laai.checkpoint.DType;
import laai.checkpoint.SafeTensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised checkpoint in Hugging Face layout: config.json and
 * model.safetensors (or shards), for a Llama-family model (the constructor; model_type may be set
 * to mistral or qwen2), a Qwen3 ({@link #qwen3}), a Gemma-2 ({@link #gemma2}) or a GPT-2
 * ({@link #gpt2}): whatever tensors the family's {@link ModelShapes} calls for. Tests build their
 * tiny models with it; the load benchmark builds a large one. {@link #config} is the config.json
 * content (a null value is written as JSON null: "feature off" for Gemma-2's caps and window) and
 * may be edited before {@link #write}. The weights depend only on the seed, the tensor names and
 * shapes, so the same settings always write the same file (the golden logits rely on it).
 *
 * <p>{@link #like} starts from the published config.json of a real model, and {@link #streamed}
 * writes a checkpoint of any size in bounded memory (with other numbers than the default mode).
 */
public final class RandomCheckpoint {
    private static final Gson CONFIG_JSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    public final Map<String, Object> config = new LinkedHashMap<>();
    private long seed = 1;
    private float scale = 0.02f;
    private boolean bf16Representable;
    private boolean gpt2Prefixed = true;
    private boolean streamed;

    private RandomCheckpoint() {}

    public RandomCheckpoint(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab) {
        config.put("architectures", new String[] {"LlamaForCausalLM"});
        config.put("model_type", "llama");
        config.put("hidden_size", hidden);
        config.put("intermediate_size", intermediate);
        config.put("num_hidden_layers", layers);
        config.put("num_attention_heads", heads);
        config.put("num_key_value_heads", kvHeads);
        config.put("vocab_size", vocab);
        config.put("rms_norm_eps", 1e-5);
        config.put("rope_theta", 10000.0);
        config.put("max_position_embeddings", 2048);
        config.put("hidden_act", "silu");
        config.put("tie_word_embeddings", false);
        config.put("bos_token_id", 1);
        config.put("eos_token_id", 2);
        config.put("torch_dtype", "float32");
    }

    /**
     * A Gemma-2 (Gemma2ForCausalLM) with the given head size, independent of hidden / heads, and
     * transformers' defaults otherwise (soft caps 50 and 30, window 4096 on even layers,
     * query_pre_attn_scalar 256, tied head); set smaller caps and windows to make them matter.
     */
    public static RandomCheckpoint gemma2(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate,
                                     int vocab) {
        RandomCheckpoint r = new RandomCheckpoint(hidden, layers, heads, kvHeads, intermediate, vocab);
        r.config.put("architectures", new String[] {"Gemma2ForCausalLM"});
        r.config.put("model_type", "gemma2");
        r.config.remove("hidden_act");
        r.config.put("hidden_activation", "gelu_pytorch_tanh");
        r.config.put("head_dim", headDim);
        r.config.put("rms_norm_eps", 1e-6);
        r.config.put("query_pre_attn_scalar", 256);
        r.config.put("attn_logit_softcapping", 50.0);
        r.config.put("final_logit_softcapping", 30.0);
        r.config.put("sliding_window", 4096);
        r.config.put("tie_word_embeddings", true);
        r.config.put("bos_token_id", 2);
        r.config.put("eos_token_id", 1);
        return r;
    }

    /**
     * A Qwen3 (Qwen3ForCausalLM) with the given head size, independent of hidden / heads, per-head
     * q and k norms, no biases, and the head tied to the embeddings as in Qwen3-0.6B.
     */
    public static RandomCheckpoint qwen3(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate,
                                         int vocab) {
        RandomCheckpoint r = new RandomCheckpoint(hidden, layers, heads, kvHeads, intermediate, vocab);
        r.config.put("architectures", new String[] {"Qwen3ForCausalLM"});
        r.config.put("model_type", "qwen3");
        r.config.put("head_dim", headDim);
        r.config.put("rms_norm_eps", 1e-6);
        r.config.put("attention_bias", false);
        r.config.put("use_sliding_window", false);
        r.config.put("tie_word_embeddings", true);
        return r;
    }

    /**
     * The published config.json of a real model, key for key (numbers keep their published
     * spelling, so config.json is written back as published, but for torch_dtype, which
     * {@link #write} sets to the dtype written).
     */
    public static RandomCheckpoint like(ModelPreset preset) {
        RandomCheckpoint r = new RandomCheckpoint();
        preset.config().entrySet().forEach(e -> r.config.put(e.getKey(), plain(e.getValue())));
        return r;
    }

    /** JSON as the Java values this class keeps in {@link #config}; numbers stay Gson's lazily parsed ones. */
    private static Object plain(JsonElement e) {
        if (e.isJsonNull()) return null;
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> m.put(x.getKey(), plain(x.getValue())));
            return m;
        }
        if (e.isJsonArray()) {
            List<Object> a = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> a.add(plain(x)));
            return a;
        }
        var p = e.getAsJsonPrimitive();
        return p.isBoolean() ? p.getAsBoolean() : p.isNumber() ? p.getAsNumber() : p.getAsString();
    }

    /** A GPT-2 (GPT2LMHeadModel) in its own config keys: n_embd, n_layer, n_head, n_positions. */
    public static RandomCheckpoint gpt2(int hidden, int layers, int heads, int vocab, int positions) {
        RandomCheckpoint r = new RandomCheckpoint(hidden, layers, heads, heads, 4 * hidden, vocab);
        r.config.clear();
        r.config.put("architectures", new String[] {"GPT2LMHeadModel"});
        r.config.put("model_type", "gpt2");
        r.config.put("n_embd", hidden);
        r.config.put("n_layer", layers);
        r.config.put("n_head", heads);
        r.config.put("n_inner", null);
        r.config.put("n_positions", positions);
        r.config.put("n_ctx", positions);
        r.config.put("vocab_size", vocab);
        r.config.put("layer_norm_epsilon", 1e-5);
        r.config.put("activation_function", "gelu_new");
        r.config.put("bos_token_id", 0);
        r.config.put("eos_token_id", 0);
        return r;
    }

    /**
     * GPT-2 tensor names with the {@code transformer.} prefix (as GPT2LMHeadModel saves them, the
     * default) or bare (as GPT2Model and the original openai-community/gpt2 files have them).
     */
    public RandomCheckpoint gpt2Prefixed(boolean prefixed) {
        this.gpt2Prefixed = prefixed;
        return this;
    }

    /**
     * Rounds every weight to a value that BF16 (and F16, within its range) holds exactly, so that
     * F32, F16 and BF16 copies of the checkpoint hold the same numbers.
     */
    public RandomCheckpoint bf16Representable() {
        this.bf16Representable = true;
        return this;
    }

    public RandomCheckpoint set(String key, Object value) {
        config.put(key, value);
        return this;
    }

    public RandomCheckpoint seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Standard deviation-like scale of the random weights (uniform in ±scale·√3). */
    public RandomCheckpoint scale(float scale) {
        this.scale = scale;
        return this;
    }

    /**
     * Computes the weights while writing them, a chunk at a time on every processor, instead of
     * holding each tensor as a float array: memory stays at a few chunks whatever the model's size
     * (a 16 GB checkpoint writes with a small heap). The numbers come from a counter-based
     * generator ({@link CounterUniform}) and differ from the default mode's, with the same
     * distributions; they too depend only on the seed, the tensor names and shapes.
     */
    public RandomCheckpoint streamed() {
        this.streamed = true;
        return this;
    }

    /** Bytes of all tensors stored as {@code dtype} (the index's total_size). */
    public long byteSize(DType dtype) {
        long n = 0;
        for (long[] shape : weights().values()) n = Math.addExact(n, ModelShapes.numel(shape) * dtype.bytes());
        return n;
    }

    /** The config as the runtime reads it (the families' defaults applied). */
    public ModelConfig modelConfig() {
        return ModelConfig.parse(CONFIG_JSON.toJsonTree(config).getAsJsonObject(), Path.of("config.json"));
    }

    /** Writes the folder with weights stored as {@code dtype}; shards when {@code maxShardBytes} > 0. */
    public Path write(Path dir, DType dtype, long maxShardBytes) {
        try {
            Files.createDirectories(dir);
            config.put("torch_dtype", switch (dtype) {
                case BF16 -> "bfloat16";
                case F16 -> "float16";
                default -> "float32";
            });
            Files.writeString(dir.resolve("config.json"), CONFIG_JSON.toJson(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafeTensorsWriter writer = new SafeTensorsWriter();
        if (streamed) {
            writer.metadata("format", "pt"); // as transformers' save_pretrained writes it
            weights().forEach((name, shape) -> writer.addGenerated(name, dtype, shape, streamedValues(name)));
        } else {
            weights().forEach((name, shape) -> writer.add(name, dtype, shape, random(name, shape)));
        }
        if (maxShardBytes > 0) {
            writer.writeSharded(dir, maxShardBytes);
        } else {
            writer.write(dir.resolve("model.safetensors"));
        }
        return dir;
    }

    /** Names and shapes of every tensor the config calls for, in Hugging Face naming ({@link ModelShapes}). */
    public Map<String, long[]> weights() {
        return ModelShapes.of(modelConfig(), gpt2Prefixed);
    }

    /** What a tensor's values scatter around, by its name: the one rule of both generators. */
    private enum Init {
        /** Projections, embeddings and their biases: uniform in ±scale·√3. */
        WEIGHT,
        /** A norm's scale: 1 ± 0.1. */
        NORM_SCALE,
        /** A norm's bias, or Gemma-2's norm weight w of a (1 + w) scale: 0 ± 0.1. */
        NORM_OFFSET
    }

    private Init init(String name) {
        boolean layerNorm = name.matches(".*\\bln_(\\d+|f)\\.(weight|bias)");
        boolean norm = name.endsWith("norm.weight") || layerNorm;
        if (!norm) return Init.WEIGHT;
        return name.endsWith(".bias") || "gemma2".equals(config.get("model_type")) ? Init.NORM_OFFSET : Init.NORM_SCALE;
    }

    /** GPT-2's prefixed and bare names get the same numbers. */
    private static String seedName(String name) {
        return name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
    }

    /**
     * Norm scales near 1 (Gemma-2 stores w of a (1 + w) scale: near 0), norm biases near 0,
     * everything else small and centred; seeded per tensor name.
     */
    private float[] random(String name, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] data = new float[Math.toIntExact(n)];
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + seedName(name).hashCode());
        Init init = init(name);
        float width = scale * (float) Math.sqrt(3.0);
        for (int i = 0; i < data.length; i++) {
            float u = (float) (rng.nextDouble() * 2 - 1);
            data[i] = switch (init) {
                case WEIGHT -> width * u;
                case NORM_OFFSET -> 0.1f * u;
                case NORM_SCALE -> 1f + 0.1f * u;
            };
            if (bf16Representable) data[i] = Float.intBitsToFloat(Float.floatToRawIntBits(data[i]) & 0xFFFF0000);
        }
        return data;
    }

    /** The streamed mode's values of one tensor: the same distributions, from {@link CounterUniform}. */
    private CounterUniform streamedValues(String name) {
        Init init = init(name);
        long key = CounterUniform.key(seed, seedName(name));
        return switch (init) {
            case WEIGHT -> new CounterUniform(key, 0f, scale * (float) Math.sqrt(3.0), bf16Representable);
            case NORM_OFFSET -> new CounterUniform(key, 0f, 0.1f, bf16Representable);
            case NORM_SCALE -> new CounterUniform(key, 1f, 0.1f, bf16Representable);
        };
    }
}
