package laai.model;

import com.google.gson.GsonBuilder;
import laai.checkpoint.DType;
import laai.checkpoint.SafeTensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised Llama-family checkpoint in Hugging Face layout: config.json and
 * model.safetensors (or shards). Tests build their tiny models with it; the load benchmark builds a
 * large one. {@link #config} is the config.json content and may be edited before {@link #write}.
 */
public final class RandomLlama {
    public final Map<String, Object> config = new LinkedHashMap<>();
    private long seed = 1;
    private float scale = 0.02f;
    private boolean bf16Representable;

    public RandomLlama(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab) {
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
     * Rounds every weight to a value that BF16 (and F16, within its range) holds exactly, so that
     * F32, F16 and BF16 copies of the checkpoint hold the same numbers.
     */
    public RandomLlama bf16Representable() {
        this.bf16Representable = true;
        return this;
    }

    public RandomLlama set(String key, Object value) {
        config.put(key, value);
        return this;
    }

    public RandomLlama seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Standard deviation-like scale of the random weights (uniform in ±scale·√3). */
    public RandomLlama scale(float scale) {
        this.scale = scale;
        return this;
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
            Files.writeString(dir.resolve("config.json"),
                    new GsonBuilder().setPrettyPrinting().create().toJson(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafeTensorsWriter writer = new SafeTensorsWriter();
        weights().forEach((name, shape) -> writer.add(name, dtype, shape, random(name, shape)));
        if (maxShardBytes > 0) {
            writer.writeSharded(dir, maxShardBytes);
        } else {
            writer.write(dir.resolve("model.safetensors"));
        }
        return dir;
    }

    /** Names and shapes of every tensor the config calls for, in Hugging Face naming. */
    public Map<String, long[]> weights() {
        int hidden = num("hidden_size"), layers = num("num_hidden_layers"), heads = num("num_attention_heads");
        int kvHeads = num("num_key_value_heads"), inter = num("intermediate_size"), vocab = num("vocab_size");
        int headDim = config.containsKey("head_dim") ? num("head_dim") : hidden / heads;
        String type = (String) config.get("model_type");
        boolean qkvBias = type.equals("qwen2") || Boolean.TRUE.equals(config.get("attention_bias"));
        boolean oBias = !type.equals("qwen2") && Boolean.TRUE.equals(config.get("attention_bias"));
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", new long[] {vocab, hidden});
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", new long[] {hidden});
            w.put(p + "self_attn.q_proj.weight", new long[] {heads * headDim, hidden});
            w.put(p + "self_attn.k_proj.weight", new long[] {kvHeads * headDim, hidden});
            w.put(p + "self_attn.v_proj.weight", new long[] {kvHeads * headDim, hidden});
            w.put(p + "self_attn.o_proj.weight", new long[] {hidden, heads * headDim});
            if (qkvBias) {
                w.put(p + "self_attn.q_proj.bias", new long[] {heads * headDim});
                w.put(p + "self_attn.k_proj.bias", new long[] {kvHeads * headDim});
                w.put(p + "self_attn.v_proj.bias", new long[] {kvHeads * headDim});
            }
            if (oBias) w.put(p + "self_attn.o_proj.bias", new long[] {hidden});
            w.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            w.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        }
        w.put("model.norm.weight", new long[] {hidden});
        if (!Boolean.TRUE.equals(config.get("tie_word_embeddings"))) w.put("lm_head.weight", new long[] {vocab, hidden});
        return w;
    }

    private int num(String key) {
        return ((Number) config.get(key)).intValue();
    }

    /** Norm weights near 1, everything else small and centred; seeded per tensor name. */
    private float[] random(String name, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] data = new float[Math.toIntExact(n)];
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + name.hashCode());
        boolean norm = name.endsWith("norm.weight");
        float width = scale * (float) Math.sqrt(3.0);
        for (int i = 0; i < data.length; i++) {
            float u = (float) (rng.nextDouble() * 2 - 1);
            data[i] = norm ? 1f + 0.1f * u : width * u;
            if (bf16Representable) data[i] = Float.intBitsToFloat(Float.floatToRawIntBits(data[i]) & 0xFFFF0000);
        }
        return data;
    }
}
