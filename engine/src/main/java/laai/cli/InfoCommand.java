package laai.cli;

import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.family.Families;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Architecture (" + Families.SUPPORTED + "), sizes, dtype and device of a checkpoint.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Override
    public Integer call() {
        try (DecoderModel model = options.load()) {
            ModelConfig c = model.config();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("architecture", c.family().modelType());
            info.put("model_type", c.modelType());
            info.put("layers", c.numLayers());
            info.put("heads", c.numHeads());
            info.put("kv_heads", c.numKvHeads());
            info.put("head_size", c.headDim());
            info.put("hidden_size", c.hiddenSize());
            info.put("intermediate_size", c.intermediateSize());
            info.put("vocab_size", c.vocabSize());
            info.put("tied_embeddings", c.tieWordEmbeddings());
            info.put("positions", c.family().usesRope() ? "rotary" : "learned (" + c.maxPositionEmbeddings() + ")");
            info.put("activation", c.hiddenAct());
            int[] windows = c.slidingWindowPerLayer();
            if (java.util.Arrays.stream(windows).anyMatch(w -> w > 0)) info.put("sliding_window_per_layer", windows);
            if (c.attnLogitSoftcapping() > 0) info.put("attention_softcap", c.attnLogitSoftcapping());
            if (c.finalLogitSoftcapping() > 0) info.put("final_logit_softcap", c.finalLogitSoftcapping());
            info.put("checkpoint_dtype", c.torchDtype());
            info.put("dtype", model.dtype().toString().toLowerCase(java.util.Locale.ROOT));
            info.put("storage_dtype", model.storage().toString().toLowerCase(java.util.Locale.ROOT));
            info.put("device", model.device().toString());
            info.put("parameters", c.parameterCount());
            info.put("matmul_precision", options.precision.label());
            if (options.json) {
                Json.print(info);
            } else {
                info.forEach((k, v) -> System.out.printf("%-24s %s%n", k,
                        v instanceof int[] a ? java.util.Arrays.toString(a) : v));
            }
        }
        return 0;
    }
}
