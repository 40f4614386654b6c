package laai.model.family;

import com.google.gson.JsonObject;
import laai.model.ModelConfig;

import java.nio.file.Path;

/**
 * Qwen2ForCausalLM: Llama's tensors, with biases on q, k and v always and on o never, and (when
 * use_sliding_window) the window on layers from max_window_layers upward.
 */
final class Qwen2Family extends LlamaFamily {

    @Override
    public String modelType() {
        return "qwen2";
    }

    @Override
    public ModelConfig config(JsonObject json, Path file) {
        ConfigReader c = new ConfigReader(json, file);
        return llamaConfig(c)
                .qkvBias(true)
                .outputBias(false)
                .slidingWindowPerLayer(windowsFromMaxWindowLayers(c, c.positive("num_hidden_layers")))
                .build();
    }

    /**
     * transformers' Qwen2 and Qwen3: with use_sliding_window and a sliding_window, layers from
     * max_window_layers (default: all layers) upward use the window; otherwise none does.
     */
    static int[] windowsFromMaxWindowLayers(ConfigReader c, int layers) {
        int[] windows = new int[layers];
        if (c.has("sliding_window") && !c.isNull("sliding_window") && c.bool("use_sliding_window", false)) {
            int window = c.integer("sliding_window", 0);
            for (int l = c.integer("max_window_layers", layers); l < layers; l++) windows[l] = window;
        }
        return windows;
    }
}
