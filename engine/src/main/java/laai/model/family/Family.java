package laai.model.family;

import com.google.gson.JsonObject;
import laai.model.ModelConfig;
import laai.model.ModelParts;
import laai.model.Weights;

import java.nio.file.Path;
import java.util.Map;

/**
 * What one model family's checkpoints mean, keyed by config.json's {@code model_type} in
 * {@link Families}: its config keys and their defaults, the Hugging Face names and shapes of its
 * tensors, and how those tensors become the pieces {@link laai.model.DecoderModel}'s forward runs.
 * The numerics live in the forward, once for every family.
 */
public interface Family {

    /** config.json's {@code model_type}, lower case. */
    String modelType();

    /** config.json read with this family's keys and defaults (transformers' configuration class). */
    ModelConfig config(JsonObject json, Path file);

    /**
     * The names and shapes of every tensor the config calls for, in the order transformers' state
     * dict lists them (the random-checkpoint writer writes them in this order).
     */
    Map<String, long[]> tensors(ModelConfig c);

    /** The checkpoint's tensors as the forward's parts. */
    ModelParts parts(ModelConfig c, Weights w);

    /** Rotary position embeddings; false for a family that learns a position table (GPT-2). */
    default boolean usesRope() {
        return true;
    }
}
