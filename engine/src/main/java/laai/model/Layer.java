package laai.model;

/**
 * One decoder layer's weights, in the order {@link DecoderModel}'s forward uses them:
 * <pre>
 *   heads  = attention(attentionNorm(x))        q, k, v, then qNorm and kNorm per head (Qwen3) before RoPE
 *   h      = x + attentionOutputNorm(o · heads)  (Gemma-2's post-attention norm; else none)
 *   x_next = h + mlpOutputNorm(down · (act(gate · n) ⊙ up · n)),  n = mlpNorm(h)
 *                                                (no gate: down · act(up · n), GPT-2; mlpOutputNorm: Gemma-2's)
 * </pre>
 * {@code window} is the sliding-window length of this layer's attention, 0 for full attention.
 * Built by name ({@link #builder}); a part a family lacks stays null.
 */
public record Layer(Norm attentionNorm, Linear q, Linear k, Linear v, Norm qNorm, Norm kNorm, Linear o,
                    Norm attentionOutputNorm, Norm mlpNorm, Linear gate, Linear up, Linear down,
                    Norm mlpOutputNorm, int window) {

    public static Builder builder() {
        return new Builder();
    }

    /** Every part by name; the norm before attention, q, k, v, o, the norm before the MLP, up and down are required. */
    public static final class Builder {
        private Norm attentionNorm, qNorm, kNorm, attentionOutputNorm, mlpNorm, mlpOutputNorm;
        private Linear q, k, v, o, gate, up, down;
        private int window;

        private Builder() {}

        public Builder attentionNorm(Norm n) { attentionNorm = n; return this; }
        public Builder q(Linear l) { q = l; return this; }
        public Builder k(Linear l) { k = l; return this; }
        public Builder v(Linear l) { v = l; return this; }
        /** Qwen3's RMSNorm of each query head, over the head size, before RoPE. */
        public Builder qNorm(Norm n) { qNorm = n; return this; }
        /** Qwen3's RMSNorm of each key head, over the head size, before RoPE. */
        public Builder kNorm(Norm n) { kNorm = n; return this; }
        public Builder o(Linear l) { o = l; return this; }
        public Builder attentionOutputNorm(Norm n) { attentionOutputNorm = n; return this; }
        public Builder mlpNorm(Norm n) { mlpNorm = n; return this; }
        public Builder gate(Linear l) { gate = l; return this; }
        public Builder up(Linear l) { up = l; return this; }
        public Builder down(Linear l) { down = l; return this; }
        public Builder mlpOutputNorm(Norm n) { mlpOutputNorm = n; return this; }
        public Builder window(int w) { window = w; return this; }

        public Layer build() {
            if (attentionNorm == null || q == null || k == null || v == null || o == null || mlpNorm == null
                    || up == null || down == null) {
                throw new IllegalStateException("a layer needs its attention norm, q, k, v, o, MLP norm, up and down");
            }
            return new Layer(attentionNorm, q, k, v, qNorm, kNorm, o, attentionOutputNorm, mlpNorm, gate, up, down,
                    mlpOutputNorm, window);
        }
    }
}
