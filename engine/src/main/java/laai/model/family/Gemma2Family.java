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
 * Gemma2ForCausalLM (transformers models/gemma2/modeling_gemma2.py): token embeddings times
 * √hidden, RMSNorm scaled by (1 + w), norms after attention and after the MLP as well as before,
 * a gated MLP with tanh-approximated GELU, scores scaled by query_pre_attn_scalar^-1/2 and
 * soft-capped, sliding-window attention on alternate layers, soft-capped final logits, and a head
 * size that need not be hidden / heads.
 */
final class Gemma2Family implements Family {

    @Override
    public String modelType() {
        return "gemma2";
    }

    /**
     * Gemma2Config: head_dim defaults to 256 whatever the hidden size, and layers alternate
     * sliding-window (even layers) and full attention unless layer_types says otherwise. A key given
     * as null switches its feature off; an absent key takes transformers' default.
     */
    @Override
    public ModelConfig config(JsonObject json, Path file) {
        ConfigReader c = new ConfigReader(json, file);
        int hidden = c.positive("hidden_size");
        int heads = c.positive("num_attention_heads");
        int layers = c.positive("num_hidden_layers");
        int kvHeads = c.kvHeads(heads);
        int headDim = c.integer("head_dim", 256);
        if (c.bool("use_bidirectional_attention", false)) {
            throw c.error("bidirectional Gemma-2 (an encoder) is not a causal LM");
        }
        // Gemma2MLP reads hidden_activation; hidden_act is a leftover of Gemma 1 configs.
        String act = c.activation(c.str("hidden_activation", "gelu_pytorch_tanh"));
        int window = c.isNull("sliding_window") ? 0 : c.integer("sliding_window", 4096);
        int[] windows = new int[layers];
        String[] types = c.has("layer_types") && !c.isNull("layer_types") ? c.perLayer("layer_types", layers) : null;
        for (int l = 0; l < layers; l++) {
            boolean sliding;
            if (types != null) {
                if (!types[l].equals("sliding_attention") && !types[l].equals("full_attention")) {
                    throw c.error("unsupported layer type \"" + types[l] + "\"");
                }
                sliding = types[l].equals("sliding_attention");
            } else {
                sliding = l % 2 == 0; // Gemma2Config: "sliding_attention" if (i + 1) % 2 else "full_attention"
            }
            windows[l] = sliding ? window : 0;
        }
        boolean bias = c.bool("attention_bias", false);
        return ModelConfig.builder(this, c.str("model_type", null))
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
                .tieWordEmbeddings(c.bool("tie_word_embeddings", true))
                .qkvBias(bias)
                .outputBias(bias)
                .slidingWindowPerLayer(windows)
                .maxPositionEmbeddings(c.integer("max_position_embeddings", 8192))
                .bosTokenId(c.integer("bos_token_id", 2))
                .eosTokenIds(c.has("eos_token_id") ? c.tokenIds("eos_token_id") : new int[] {1})
                .torchDtype(c.dtype())
                .hiddenAct(act)
                .queryPreAttnScalar(c.dbl("query_pre_attn_scalar", 256))
                .attnLogitSoftcapping(c.dblOrNone("attn_logit_softcapping", 50.0))
                .finalLogitSoftcapping(c.dblOrNone("final_logit_softcapping", 30.0))
                .build();
    }

    @Override
    public Map<String, long[]> tensors(ModelConfig c) {
        long hidden = c.hiddenSize();
        Map<String, long[]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", new long[] {c.vocabSize(), hidden});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", new long[] {hidden});
            LlamaFamily.projectionTensors(c, p, w);
            w.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            w.put(p + "pre_feedforward_layernorm.weight", new long[] {hidden});
            w.put(p + "post_feedforward_layernorm.weight", new long[] {hidden});
            LlamaFamily.gatedMlpTensors(c, p, w);
        }
        w.put("model.norm.weight", new long[] {hidden});
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        return w;
    }

    /**
     * Gemma-2's "post_attention_layernorm" normalises the attention output before the residual
     * addition, and "pre_feedforward_layernorm" is the norm before the MLP.
     */
    @Override
    public ModelParts parts(ModelConfig c, Weights w) {
        NDArray embed = w.tensor("model.embed_tokens.weight");
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            layers.add(Layer.builder()
                    .attentionNorm(w.onePlusRms(p + "input_layernorm.weight"))
                    .q(w.linear(p + "self_attn.q_proj", c.qkvBias()))
                    .k(w.linear(p + "self_attn.k_proj", c.qkvBias()))
                    .v(w.linear(p + "self_attn.v_proj", c.qkvBias()))
                    .o(w.linear(p + "self_attn.o_proj", c.outputBias()))
                    .attentionOutputNorm(w.onePlusRms(p + "post_attention_layernorm.weight"))
                    .mlpNorm(w.onePlusRms(p + "pre_feedforward_layernorm.weight"))
                    .gate(w.linear(p + "mlp.gate_proj", false))
                    .up(w.linear(p + "mlp.up_proj", false))
                    .down(w.linear(p + "mlp.down_proj", false))
                    .mlpOutputNorm(w.onePlusRms(p + "post_feedforward_layernorm.weight"))
                    .window(c.window(l))
                    .build());
        }
        // Gemma2Model: hidden_states * torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype).
        return ModelParts.of(embed, layers, w.onePlusRms("model.norm.weight"), w.head(c, embed))
                .withEmbedScale(w.scalar(Math.sqrt(c.hiddenSize())));
    }

    @Override
    public String toString() {
        return modelType();
    }
}
