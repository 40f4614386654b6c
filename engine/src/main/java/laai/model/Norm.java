package laai.model;

import ai.djl.ndarray.NDArray;

/**
 * A normalisation over the last axis, computed in (at least) float32 as transformers does (see
 * {@link DecoderModel}'s norm):
 * <ul>
 *   <li>RMS (Llama, Qwen3's q and k norms): x / rms(x), cast back to the model dtype, then times w;
 *   <li>RMS_ONE_PLUS (Gemma-2): x / rms(x) times (1 + w) still in float32, then cast back;
 *       {@code scale} holds 1 + w (Gemma2RMSNorm: "Llama does x.to(float16) * w whilst Gemma2 is
 *       (x * w).to(float16)");
 *   <li>LAYER (GPT-2): (x − mean) / std · w + b, torch's layer_norm.
 * </ul>
 * Made by {@link Weights}; {@code bias} is null but for LAYER.
 */
public record Norm(Kind kind, NDArray scale, NDArray bias) {
    public enum Kind { RMS, RMS_ONE_PLUS, LAYER }

    public Norm {
        if (kind == null || scale == null) throw new IllegalArgumentException("a norm needs a kind and a scale");
        if ((kind == Kind.LAYER) != (bias != null)) throw new IllegalArgumentException("a bias goes with LayerNorm only");
    }
}
