package laai.model.family;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import laai.model.Layer;
import laai.model.Linear;
import laai.model.ModelConfig;
import laai.model.ModelParts;
import laai.model.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT2LMHeadModel (transformers models/gpt2/modeling_gpt2.py): learned position embeddings,
 * LayerNorm with bias, biased projections (Conv1D weights stored [in, out], q, k and v fused in
 * c_attn), mlp = W_proj·gelu_new(W_fc·n), the head tied to the token embeddings. Tensor names are
 * {@code transformer.h.0...} in checkpoints saved from GPT2LMHeadModel and bare {@code h.0...} in
 * those saved from GPT2Model (openai-community/gpt2 itself); both load.
 */
public final class Gpt2Family implements Family {

    Gpt2Family() {}

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public boolean usesRope() {
        return false;
    }

    /**
     * GPT2Config, whose keys are n_embd, n_layer, n_head, n_inner, n_positions, layer_norm_epsilon,
     * activation_function: full multi-head attention with biases everywhere, scores scaled by
     * 1/√headDim when scale_attn_weights (the default), learned positions, a 4·n_embd MLP unless
     * n_inner is set, and the head tied to the token embeddings.
     */
    @Override
    public ModelConfig config(JsonObject json, Path file) {
        ConfigReader c = new ConfigReader(json, file);
        int hidden = c.has("n_embd") ? c.positive("n_embd") : c.positive("hidden_size");
        int layers = c.has("n_layer") ? c.positive("n_layer") : c.positive("num_hidden_layers");
        int heads = c.has("n_head") ? c.positive("n_head") : c.positive("num_attention_heads");
        if (hidden % heads != 0) {
            throw c.error("n_embd " + hidden + " is not a multiple of n_head " + heads);
        }
        if (c.bool("scale_attn_by_inverse_layer_idx", false)) {
            throw c.error("scale_attn_by_inverse_layer_idx is not supported");
        }
        if (c.bool("add_cross_attention", false)) {
            throw c.error("GPT-2 with cross-attention is not a decoder-only LM");
        }
        int headDim = hidden / heads;
        int inner = c.integer("n_inner", 4 * hidden);
        String act = c.activation(c.str("activation_function", "gelu_new"));
        return ModelConfig.builder(this, c.str("model_type", null))
                .hiddenSize(hidden)
                .intermediateSize(inner)
                .numLayers(layers)
                .numHeads(heads)
                .numKvHeads(heads)
                .headDim(headDim)
                .normEps((float) c.dbl("layer_norm_epsilon", 1e-5))
                .vocabSize(c.integer("vocab_size", 50257))
                .tieWordEmbeddings(c.bool("tie_word_embeddings", true))
                .qkvBias(true)
                .outputBias(true)
                .mlpBias(true)
                .maxPositionEmbeddings(c.integer("n_positions", c.integer("max_position_embeddings", 1024)))
                .bosTokenId(c.integer("bos_token_id", 50256))
                .eosTokenIds(c.has("eos_token_id") ? c.tokenIds("eos_token_id") : new int[] {50256})
                .torchDtype(c.dtype())
                .hiddenAct(act)
                // GPT2Attention divides by value.size(-1) ** 0.5 only when scale_attn_weights
                .queryPreAttnScalar(c.bool("scale_attn_weights", true) ? headDim : 1)
                .build();
    }

    /** Conv1D weights are stored [in, out]; c_attn holds q, k, v side by side. Names carry the transformer. prefix. */
    @Override
    public Map<String, long[]> tensors(ModelConfig c) {
        long hidden = c.hiddenSize(), inner = c.intermediateSize();
        String t = PREFIX;
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

    /** The prefix of GPT2LMHeadModel's tensor names, absent from GPT2Model's. */
    public static final String PREFIX = "transformer.";

    @Override
    public ModelParts parts(ModelConfig c, Weights w) {
        NDArray wte = w.optionalTensor(PREFIX + "wte.weight");
        String t = PREFIX;
        if (wte == null) {
            t = "";
            wte = w.tensor("wte.weight");
        }
        NDArray wpe = w.tensor(t + "wpe.weight");
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = t + "h." + l + ".";
            Linear[] qkv = w.conv1dSplit(p + "attn.c_attn", 3);
            layers.add(Layer.builder()
                    .attentionNorm(w.layerNorm(p + "ln_1"))
                    .q(qkv[0]).k(qkv[1]).v(qkv[2])
                    .o(w.conv1d(p + "attn.c_proj"))
                    .mlpNorm(w.layerNorm(p + "ln_2"))
                    .up(w.conv1d(p + "mlp.c_fc"))
                    .down(w.conv1d(p + "mlp.c_proj"))
                    .build());
        }
        return ModelParts.of(wte, layers, w.layerNorm(t + "ln_f"), w.head(c, wte)).withPositionEmbeddings(wpe);
    }

    @Override
    public String toString() {
        return modelType();
    }
}
