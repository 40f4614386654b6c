package laai.model;

/**
 * The model's output held NaN or ±∞. Weights are checked at load, so this means activations
 * overflowed (half-precision compute, or a Δ too large for the model), and a score computed from
 * such logits would be a silent zero: evaluation, decoding and the logits command stop instead.
 */
public final class NonFiniteOutputException extends ArithmeticException {
    public NonFiniteOutputException(String where) {
        super("the model's logits hold NaN or infinite values (" + where + "); the weights are finite, "
                + "so activations overflowed: compute in float32 (--dtype f32) and check the size of any Δ added");
    }

    /** Throws unless every value is finite. */
    public static void check(float[] logits, String where) {
        for (float v : logits) {
            if (!Float.isFinite(v)) throw new NonFiniteOutputException(where);
        }
    }
}
