package laai.model.family;

import com.google.gson.JsonObject;
import laai.model.Layer;
import laai.model.ModelConfig;
import laai.model.Weights;

import java.nio.file.Path;
import java.util.Map;

/**
 * Qwen3ForCausalLM (transformers models/qwen3/modeling_qwen3.py): Llama's tensors and numerics
 * plus an RMSNorm of each query and key head ({@code self_attn.q_norm}, {@code self_attn.k_norm},
 * of the head size) applied before RoPE. The head size is head_dim (128 when absent, whatever
 * hidden / heads is); attention_bias (default off) puts biases on q, k, v and o, as in Llama; the
 * sliding window, when use_sliding_window, follows layer_types or else max_window_layers.
 */
final class Qwen3Family extends LlamaFamily {

    @Override
    public String modelType() {
        return "qwen3";
    }

    @Override
    public ModelConfig config(JsonObject json, Path file) {
        ConfigReader c = new ConfigReader(json, file);
        int layers = c.positive("num_hidden_layers");
        return llamaConfig(c)
                .maxPositionEmbeddings(c.integer("max_position_embeddings", 32768))
                .slidingWindowPerLayer(c.has("layer_types") && !c.isNull("layer_types")
                        ? windowsFromLayerTypes(c, layers) : Qwen2Family.windowsFromMaxWindowLayers(c, layers))
                .build();
    }

    /** Qwen3Config: head_dim defaults to 128. */
    @Override
    int defaultHeadDim(ConfigReader c, int hidden, int heads) {
        return 128;
    }

    /** "sliding_attention" layers take the window (when use_sliding_window), "full_attention" ones none. */
    private static int[] windowsFromLayerTypes(ConfigReader c, int layers) {
        int window = c.bool("use_sliding_window", false) ? c.integer("sliding_window", 0) : 0;
        String[] types = c.perLayer("layer_types", layers);
        int[] windows = new int[layers];
        for (int l = 0; l < layers; l++) {
            if (!types[l].equals("sliding_attention") && !types[l].equals("full_attention")) {
                throw c.error("unsupported layer type \"" + types[l] + "\"");
            }
            windows[l] = types[l].equals("sliding_attention") ? window : 0;
        }
        return windows;
    }

    @Override
    void attentionTensors(ModelConfig c, String p, Map<String, long[]> w) {
        super.attentionTensors(c, p, w);
        w.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
        w.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
    }

    @Override
    Layer.Builder layer(ModelConfig c, Weights w, String p) {
        return super.layer(c, w, p)
                .qNorm(w.rms(p + "self_attn.q_norm.weight"))
                .kNorm(w.rms(p + "self_attn.k_norm.weight"));
    }
}
