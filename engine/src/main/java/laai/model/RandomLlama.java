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
 * Writes a randomly initialised checkpoint in Hugging Face layout: config.json and
 * model.safetensors (or shards), for a Llama-family model (the constructor; model_type may be set
 * to mistral or qwen2), a Gemma-2 ({@link #gemma2}) or a GPT-2 ({@link #gpt2}). Tests build their
 * tiny models with it; the load benchmark builds a large one. {@link #config} is the config.json
 * content (a null value is written as JSON null: "feature off" for Gemma-2's caps and window) and
 * may be edited before {@link #write}. The weights depend only on the seed, the tensor names and
 * shapes, so the same settings always write the same file (the golden logits rely on it).
 */
public final class RandomLlama {
    public final Map<String, Object> config = new LinkedHashMap<>();
    private long seed = 1;
    private float scale = 0.02f;
    private boolean bf16Representable;
    private boolean gpt2Prefixed = true;

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
     * A Gemma-2 (Gemma2ForCausalLM) with the given head size, independent of hidden / heads, and
     * transformers' defaults otherwise (soft caps 50 and 30, window 4096 on even layers,
     * query_pre_attn_scalar 256, tied head); set smaller caps and windows to make them matter.
     */
    public static RandomLlama gemma2(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate,
                                     int vocab) {
        RandomLlama r = new RandomLlama(hidden, layers, heads, kvHeads, intermediate, vocab);
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

    /** A GPT-2 (GPT2LMHeadModel) in its own config keys: n_embd, n_layer, n_head, n_positions. */
    public static RandomLlama gpt2(int hidden, int layers, int heads, int vocab, int positions) {
        RandomLlama r = new RandomLlama(hidden, layers, heads, heads, 4 * hidden, vocab);
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
    public RandomLlama gpt2Prefixed(boolean prefixed) {
        this.gpt2Prefixed = prefixed;
        return this;
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
                    new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(config), StandardCharsets.UTF_8);
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
        String type = (String) config.get("model_type");
        if (type.equals("gpt2")) return gpt2Weights();
        int hidden = num("hidden_size"), layers = num("num_hidden_layers"), heads = num("num_attention_heads");
        int kvHeads = num("num_key_value_heads"), inter = num("intermediate_size"), vocab = num("vocab_size");
        boolean gemma2 = type.equals("gemma2");
        int headDim = config.get("head_dim") != null ? num("head_dim") : hidden / heads;
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
            if (gemma2) {
                w.put(p + "pre_feedforward_layernorm.weight", new long[] {hidden});
                w.put(p + "post_feedforward_layernorm.weight", new long[] {hidden});
            }
            w.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        }
        w.put("model.norm.weight", new long[] {hidden});
        boolean tied = Boolean.TRUE.equals(config.get("tie_word_embeddings"));
        if (!tied) w.put("lm_head.weight", new long[] {vocab, hidden});
        return w;
    }

    /** GPT-2: Conv1D weights are stored [in, out]; c_attn holds q, k, v side by side. */
    private Map<String, long[]> gpt2Weights() {
        int hidden = num("n_embd"), layers = num("n_layer"), vocab = num("vocab_size"), positions = num("n_positions");
        int inner = config.get("n_inner") != null ? num("n_inner") : 4 * hidden;
        String t = gpt2Prefixed ? "transformer." : "";
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put(t + "wte.weight", new long[] {vocab, hidden});
        w.put(t + "wpe.weight", new long[] {positions, hidden});
        for (int l = 0; l < layers; l++) {
            String p = t + "h." + l + ".";
            w.put(p + "ln_1.weight", new long[] {hidden});
            w.put(p + "ln_1.bias", new long[] {hidden});
            w.put(p + "attn.c_attn.weight", new long[] {hidden, 3L * hidden});
            w.put(p + "attn.c_attn.bias", new long[] {3L * hidden});
            w.put(p + "attn.c_proj.weight", new long[] {hidden, hidden});
            w.put(p + "attn.c_proj.bias", new long[] {hidden});
            w.put(p + "ln_2.weight", new long[] {hidden});
            w.put(p + "ln_2.bias", new long[] {hidden});
            w.put(p + "mlp.c_fc.weight", new long[] {hidden, inner});
            w.put(p + "mlp.c_fc.bias", new long[] {inner});
            w.put(p + "mlp.c_proj.weight", new long[] {inner, hidden});
            w.put(p + "mlp.c_proj.bias", new long[] {hidden});
        }
        w.put(t + "ln_f.weight", new long[] {hidden});
        w.put(t + "ln_f.bias", new long[] {hidden});
        if (Boolean.FALSE.equals(config.get("tie_word_embeddings"))) w.put("lm_head.weight", new long[] {vocab, hidden});
        return w;
    }

    private int num(String key) {
        return ((Number) config.get(key)).intValue();
    }

    /**
     * Norm scales near 1 (Gemma-2 stores w of a (1 + w) scale: near 0), norm biases near 0,
     * everything else small and centred; seeded per tensor name.
     */
    private float[] random(String name, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] data = new float[Math.toIntExact(n)];
        // GPT-2's prefixed and bare names get the same numbers
        String key = name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + key.hashCode());
        boolean layerNorm = name.matches(".*\\bln_(\\d+|f)\\.(weight|bias)");
        boolean norm = name.endsWith("norm.weight") || layerNorm;
        boolean onePlus = "gemma2".equals(config.get("model_type"));
        float width = scale * (float) Math.sqrt(3.0);
        for (int i = 0; i < data.length; i++) {
            float u = (float) (rng.nextDouble() * 2 - 1);
            if (!norm) {
                data[i] = width * u;
            } else if (name.endsWith(".bias") || onePlus) {
                data[i] = 0.1f * u;
            } else {
                data[i] = 1f + 0.1f * u;
            }
            if (bf16Representable) data[i] = Float.intBitsToFloat(Float.floatToRawIntBits(data[i]) & 0xFFFF0000);
        }
        return data;
    }
}
