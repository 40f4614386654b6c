package laai.model;

import ai.djl.ndarray.NDArray;

/**
 * A checkpoint's tensors by Hugging Face name, as {@link DecoderModel} reads them: each in the type
 * the model keeps its matrices in, on the model manager's device.
 */
@FunctionalInterface
public interface WeightSource {
    /**
     * The tensor called {@code name}. A {@code required} one that is absent is an error (the
     * loader's message names the files it looked in); an optional one that is absent is null
     * (GPT-2 checkpoints are probed that way for their {@code transformer.} prefix).
     */
    NDArray tensor(String name, boolean required);
}
