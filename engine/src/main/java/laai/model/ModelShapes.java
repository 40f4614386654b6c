package laai.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and shapes of every tensor a {@link ModelConfig} calls for, in Hugging Face naming and
 * in the order transformers' state dict lists them (embeddings, layer by layer, final norm, head).
 * One place for both random-checkpoint writers, so that what they write is what {@link DecoderModel}
 * reads: shapes follow the parsed config, with each family's defaults (Gemma-2's head size and tied
 * head when config.json leaves them out) already applied.
 */
public final class ModelShapes {
    private ModelShapes() {}

    /** Tensors of the config; GPT-2 names carry the {@code transformer.} prefix. */
    public static Map<String, long[]> of(ModelConfig c) {
        return of(c, true);
    }

    /**
     * Tensors of the config; {@code gpt2Prefixed} picks GPT-2's {@code transformer.} prefix (as
     * GPT2LMHeadModel saves them) or bare names (GPT2Model, openai-community/gpt2).
     */
    public static Map<String, long[]> of(ModelConfig c, boolean gpt2Prefixed) {
        return c.family() == ModelConfig.Family.GPT2 ? gpt2(c, gpt2Prefixed) : decoder(c);
    }

    /** Llama, Mistral, Qwen2 and Gemma-2 (which adds a norm before and after its MLP). */
    private static Map<String, long[]> decoder(ModelConfig c) {
        long hidden = c.hiddenSize(), inter = c.intermediateSize(), q = c.qDim(), kv = c.kvDim();
        boolean gemma2 = c.family() == ModelConfig.Family.GEMMA2;
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", new long[] {c.vocabSize(), hidden});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", new long[] {hidden});
            w.put(p + "self_attn.q_proj.weight", new long[] {q, hidden});
            w.put(p + "self_attn.k_proj.weight", new long[] {kv, hidden});
            w.put(p + "self_attn.v_proj.weight", new long[] {kv, hidden});
            w.put(p + "self_attn.o_proj.weight", new long[] {hidden, q});
            if (c.attentionBias()) {
                w.put(p + "self_attn.q_proj.bias", new long[] {q});
                w.put(p + "self_attn.k_proj.bias", new long[] {kv});
                w.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            if (c.outputBias()) w.put(p + "self_attn.o_proj.bias", new long[] {hidden});
            w.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            if (gemma2) {
                w.put(p + "pre_feedforward_layernorm.weight", new long[] {hidden});
                w.put(p + "post_feedforward_layernorm.weight", new long[] {hidden});
            }
            w.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            w.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
            if (c.mlpBias()) {
                w.put(p + "mlp.gate_proj.bias", new long[] {inter});
                w.put(p + "mlp.up_proj.bias", new long[] {inter});
                w.put(p + "mlp.down_proj.bias", new long[] {hidden});
            }
        }
        w.put("model.norm.weight", new long[] {hidden});
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        return w;
    }

    /** GPT-2: Conv1D weights are stored [in, out]; c_attn holds q, k, v side by side. */
    private static Map<String, long[]> gpt2(ModelConfig c, boolean prefixed) {
        long hidden = c.hiddenSize(), inner = c.intermediateSize();
        String t = prefixed ? "transformer." : "";
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put(t + "wte.weight", new long[] {c.vocabSize(), hidden});
        w.put(t + "wpe.weight", new long[] {c.maxPositionEmbeddings(), hidden});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = t + "h." + l + ".";
            w.put(p + "ln_1.weight", new long[] {hidden});
            w.put(p + "ln_1.bias", new long[] {hidden});
            w.put(p + "attn.c_attn.weight", new long[] {hidden, 3 * hidden});
            w.put(p + "attn.c_attn.bias", new long[] {3 * hidden});
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
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        return w;
    }

    /** Elements of a shape. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }
}
