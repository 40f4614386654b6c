package laai.model.family;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import laai.model.Layer;
import laai.model.ModelConfig;
import laai.model.ModelParts;
import laai.model.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LlamaForCausalLM (transformers models/llama): Llama 2/3, SmolLM and TinyLlama all declare
 * {@code "llama"}. RMSNorm, rotary positions, grouped-query attention, gated SiLU MLP;
 * {@code attention_bias} puts biases on q, k, v and o. Mistral, Qwen2 and Qwen3 share its tensor
 * names and most of its config keys, and extend it.
 */
class LlamaFamily implements Family {

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public ModelConfig config(JsonObject json, Path file) {
        return llamaConfig(new ConfigReader(json, file)).build();
    }

    /**
     * LlamaConfig's keys and defaults, which Mistral, Qwen2 and Qwen3 read too: the head size is
     * hidden / heads unless head_dim says otherwise, full attention on every layer.
     */
    ModelConfig.Builder llamaConfig(ConfigReader c) {
        String modelType = c.str("model_type", null);
        int hidden = c.positive("hidden_size");
        int heads = c.positive("num_attention_heads");
        int layers = c.positive("num_hidden_layers");
        int kvHeads = c.kvHeads(heads);
        int headDim = c.has("head_dim") ? c.positive("head_dim") : defaultHeadDim(c, hidden, heads);
        String act = c.str("hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw c.error("unsupported hidden_act \"" + act + "\" for " + modelType);
        }
        boolean attentionBias = c.bool("attention_bias", false);
        return ModelConfig.builder(this, modelType)
                .hiddenSize(hidden)
                .intermediateSize(c.positive("intermediate_size"))
                .numLayers(layers)
                .numHeads(heads)
                .numKvHeads(kvHeads)
                .headDim(headDim)
                .normEps((float) c.dbl("rms_norm_eps", 1e-6))
                .ropeTheta(c.ropeTheta(10000.0))
                .ropeScaling(c.ropeScaling())
                .vocabSize(c.positive("vocab_size"))
                .tieWordEmbeddings(c.bool("tie_word_embeddings", false))
                .qkvBias(attentionBias)
                .outputBias(attentionBias)
                .mlpBias(c.bool("mlp_bias", false))
                .maxPositionEmbeddings(c.integer("max_position_embeddings", 4096))
                .bosTokenId(c.integer("bos_token_id", -1))
                .eosTokenIds(c.tokenIds("eos_token_id"))
                .torchDtype(c.dtype())
                .hiddenAct("silu");
    }

    /** The head size when config.json gives no head_dim: hidden / heads. */
    int defaultHeadDim(ConfigReader c, int hidden, int heads) {
        if (hidden % heads != 0) {
            throw c.error("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads
                    + " (and there is no head_dim)");
        }
        return hidden / heads;
    }

    @Override
    public Map<String, long[]> tensors(ModelConfig c) {
        long hidden = c.hiddenSize();
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", new long[] {c.vocabSize(), hidden});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", new long[] {hidden});
            attentionTensors(c, p, w);
            w.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            gatedMlpTensors(c, p, w);
        }
        w.put("model.norm.weight", new long[] {hidden});
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        return w;
    }

    /** One layer's attention tensors; Qwen3 adds its q and k norms. */
    void attentionTensors(ModelConfig c, String p, Map<String, long[]> w) {
        projectionTensors(c, p, w);
    }

    /** q_proj, k_proj, v_proj and o_proj with their biases, as Llama and Gemma-2 name them. */
    static void projectionTensors(ModelConfig c, String p, Map<String, long[]> w) {
        long hidden = c.hiddenSize(), q = c.qDim(), kv = c.kvDim();
        w.put(p + "self_attn.q_proj.weight", new long[] {q, hidden});
        w.put(p + "self_attn.k_proj.weight", new long[] {kv, hidden});
        w.put(p + "self_attn.v_proj.weight", new long[] {kv, hidden});
        w.put(p + "self_attn.o_proj.weight", new long[] {hidden, q});
        if (c.qkvBias()) {
            w.put(p + "self_attn.q_proj.bias", new long[] {q});
            w.put(p + "self_attn.k_proj.bias", new long[] {kv});
            w.put(p + "self_attn.v_proj.bias", new long[] {kv});
        }
        if (c.outputBias()) w.put(p + "self_attn.o_proj.bias", new long[] {hidden});
    }

    /** gate_proj, up_proj and down_proj with their biases. */
    static void gatedMlpTensors(ModelConfig c, String p, Map<String, long[]> w) {
        long hidden = c.hiddenSize(), inter = c.intermediateSize();
        w.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
        w.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
        w.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        if (c.mlpBias()) {
            w.put(p + "mlp.gate_proj.bias", new long[] {inter});
            w.put(p + "mlp.up_proj.bias", new long[] {inter});
            w.put(p + "mlp.down_proj.bias", new long[] {hidden});
        }
    }

    @Override
    public ModelParts parts(ModelConfig c, Weights w) {
        NDArray embed = w.tensor("model.embed_tokens.weight");
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            layers.add(layer(c, w, "model.layers." + l + ".").window(c.window(l)).build());
        }
        return ModelParts.of(embed, layers, w.rms("model.norm.weight"), w.head(c, embed));
    }

    /** One layer's parts under prefix {@code p}; Qwen3 adds its q and k norms. */
    Layer.Builder layer(ModelConfig c, Weights w, String p) {
        return Layer.builder()
                .attentionNorm(w.rms(p + "input_layernorm.weight"))
                .q(w.linear(p + "self_attn.q_proj", c.qkvBias()))
                .k(w.linear(p + "self_attn.k_proj", c.qkvBias()))
                .v(w.linear(p + "self_attn.v_proj", c.qkvBias()))
                .o(w.linear(p + "self_attn.o_proj", c.outputBias()))
                // Llama's "post_attention_layernorm" is the norm before the MLP.
                .mlpNorm(w.rms(p + "post_attention_layernorm.weight"))
                .gate(w.linear(p + "mlp.gate_proj", c.mlpBias()))
                .up(w.linear(p + "mlp.up_proj", c.mlpBias()))
                .down(w.linear(p + "mlp.down_proj", c.mlpBias()));
    }

    @Override
    public String toString() {
        return modelType();
    }
}
