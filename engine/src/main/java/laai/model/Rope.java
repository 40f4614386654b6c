package laai.model;

/**
 * Rotary position embedding frequencies, with the scalings of {@code rope_scaling}. The rotation
 * itself is applied in {@link DecoderModel} in the Hugging Face "rotate_half" layout: dimension i pairs
 * with i + d/2 (not the interleaved pairs of GGUF files).
 */
public final class Rope {
    final float[] inverseFrequencies; // d/2 entries

    Rope(ModelConfig config) {
        int half = config.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / StrictMath.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        ModelConfig.RopeScaling s = config.ropeScaling();
        if (s != null && s.type().equals("linear")) {
            for (int i = 0; i < half; i++) inv[i] /= s.factor();
        } else if (s != null && s.type().equals("llama3")) {
            llama3(inv, s);
        }
        inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++) inverseFrequencies[i] = (float) inv[i];
    }

    /**
     * Llama 3.1's scaling: long wavelengths are divided by {@code factor}, short ones kept, and
     * the band between is interpolated (transformers' {@code _compute_llama3_parameters}).
     */
    static void llama3(double[] inv, ModelConfig.RopeScaling s) {
        double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highFreqWavelen) continue;
            if (wavelen > lowFreqWavelen) {
                inv[i] = inv[i] / s.factor();
            } else {
                double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
            }
        }
    }

    public float[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    /** cos and sin tables for the given positions, [positions.length][d] each (halves repeated). */
    void tables(int[] positions, float[] cos, float[] sin, int offset) {
        int half = inverseFrequencies.length;
        int d = 2 * half;
        for (int p = 0; p < positions.length; p++) {
            int pos = Math.max(positions[p], 0);
            for (int i = 0; i < half; i++) {
                // a float product, as transformers computes inv_freq @ position_ids in float32
                float angle = pos * inverseFrequencies[i];
                // StrictMath: Math.cos may give another last bit once the JIT compiles this loop, and the same
                // seed must give the same Δ whenever it runs
                float c = (float) StrictMath.cos(angle), s = (float) StrictMath.sin(angle);
                int at = offset + p * d;
                cos[at + i] = c;
                cos[at + i + half] = c;
                sin[at + i] = s;
                sin[at + i + half] = s;
            }
        }
    }
}
