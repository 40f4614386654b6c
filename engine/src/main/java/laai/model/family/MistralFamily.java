package laai.model.family;

import com.google.gson.JsonObject;
import laai.model.ModelConfig;

import java.nio.file.Path;
import java.util.Arrays;

/** MistralForCausalLM: Llama's tensors, and sliding_window (when set) on every layer. */
final class MistralFamily extends LlamaFamily {

    @Override
    public String modelType() {
        return "mistral";
    }

    @Override
    public ModelConfig config(JsonObject json, Path file) {
        ConfigReader c = new ConfigReader(json, file);
        ModelConfig.Builder b = llamaConfig(c);
        int[] windows = new int[c.positive("num_hidden_layers")];
        if (c.has("sliding_window") && !c.isNull("sliding_window")) Arrays.fill(windows, c.integer("sliding_window", 0));
        return b.slidingWindowPerLayer(windows).build();
    }
}
