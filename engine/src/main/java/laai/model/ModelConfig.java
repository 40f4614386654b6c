package laai.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.CheckpointException;
import laai.model.family.Families;
import laai.model.family.Family;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The typed content of a Hugging Face {@code config.json}: everything the runtime needs to build
 * a decoder of one of the supported families, with each family's defaults filled in the way
 * transformers fills them (its {@code configuration_*.py} class attributes). The family's
 * {@link Family#config} reads the keys and builds it by name ({@link #builder}).
 */
public record ModelConfig(
        Family family,
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,             // independent of hiddenSize / numHeads for Gemma-2 (2B: 8 × 256 ≠ 2304) and Qwen3
        float normEps,           // the epsilon of every norm: RMSNorm (rms_norm_eps), or GPT-2's LayerNorm (layer_norm_epsilon)
        double ropeTheta,        // 0 without rotary positions (GPT-2)
        RopeScaling ropeScaling, // null for none
        int vocabSize,
        boolean tieWordEmbeddings,
        boolean qkvBias,         // q, k and v carry biases
        boolean outputBias,      // o_proj carries a bias (Llama's attention_bias sets both; Qwen2 has q, k, v biases only)
        boolean mlpBias,
        int[] slidingWindowPerLayer, // 0 = full attention for that layer
        int maxPositionEmbeddings,   // GPT-2: n_positions, the size of its learned position table
        int bosTokenId,          // -1 when the checkpoint names none
        int[] eosTokenIds,
        String torchDtype,
        String hiddenAct,        // the MLP's activation: silu, gelu_pytorch_tanh, gelu_new, gelu, relu
        double queryPreAttnScalar,    // attention scores are scaled by queryPreAttnScalar^-1/2
        double attnLogitSoftcapping,  // 0 = none; else scores become cap·tanh(scores / cap)
        double finalLogitSoftcapping) {

    /** RoPE frequency scaling ({@code rope_scaling}); {@code type} is "llama3" or "linear". */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings) {}

    public ModelConfig {
        // Copies in and out (the accessors below): a config is a value, not shared mutable arrays.
        slidingWindowPerLayer = slidingWindowPerLayer.clone();
        eosTokenIds = eosTokenIds.clone();
        if (slidingWindowPerLayer.length != numLayers) {
            throw new IllegalArgumentException(slidingWindowPerLayer.length + " sliding windows for " + numLayers + " layers");
        }
    }

    /** The window of each layer (0 = full attention); a copy. */
    @Override
    public int[] slidingWindowPerLayer() { return slidingWindowPerLayer.clone(); }

    /** The sliding-window length of one layer's attention, 0 for full attention. */
    public int window(int layer) { return slidingWindowPerLayer[layer]; }

    /** A copy. */
    @Override
    public int[] eosTokenIds() { return eosTokenIds.clone(); }

    public int qDim() { return numHeads * headDim; }

    public int kvDim() { return numKvHeads * headDim; }

    /** Throws the one message every entry point gives for a layer outside 0 .. L−1. */
    public void checkLayer(int layer) {
        if (layer < 0 || layer >= numLayers) {
            throw new IllegalArgumentException("layer " + layer + " out of range 0.." + (numLayers - 1));
        }
    }

    /** The factor applied to q·k: {@code queryPreAttnScalar^-1/2} (1/√headDim outside Gemma-2). */
    public double attentionScale() { return 1.0 / Math.sqrt(queryPreAttnScalar); }

    /**
     * Parameters of the weight matrices (embeddings, head when untied, attention and MLP of every
     * layer; biases and norms, the one-axis tensors, are left out: under 0.1 % at any real size),
     * from the config alone, so a size-dependent choice can be made before loading anything.
     */
    public long parameterCount() {
        long n = 0;
        for (long[] shape : family.tensors(this).values()) {
            if (shape.length > 1) n += ModelShapes.numel(shape);
        }
        return n;
    }

    // A config is the value of its components, the arrays' by content (a record's own equals
    // would compare them by identity); toString lists every component.
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Every component, the arrays by content. */
    @Override
    public String toString() {
        return "ModelConfig[family=" + family + ", modelType=" + modelType + ", hiddenSize=" + hiddenSize
                + ", intermediateSize=" + intermediateSize + ", numLayers=" + numLayers + ", numHeads=" + numHeads
                + ", numKvHeads=" + numKvHeads + ", headDim=" + headDim + ", normEps=" + normEps
                + ", ropeTheta=" + ropeTheta + ", ropeScaling=" + ropeScaling + ", vocabSize=" + vocabSize
                + ", tieWordEmbeddings=" + tieWordEmbeddings + ", qkvBias=" + qkvBias + ", outputBias=" + outputBias
                + ", mlpBias=" + mlpBias + ", slidingWindowPerLayer=" + Arrays.toString(slidingWindowPerLayer)
                + ", maxPositionEmbeddings=" + maxPositionEmbeddings + ", bosTokenId=" + bosTokenId
                + ", eosTokenIds=" + Arrays.toString(eosTokenIds) + ", torchDtype=" + torchDtype
                + ", hiddenAct=" + hiddenAct + ", queryPreAttnScalar=" + queryPreAttnScalar
                + ", attnLogitSoftcapping=" + attnLogitSoftcapping + ", finalLogitSoftcapping=" + finalLogitSoftcapping + "]";
    }

    /** A config built by name; see {@link Builder} for what is optional. */
    public static Builder builder(Family family, String modelType) {
        return new Builder(family, modelType);
    }

    /**
     * The components by name. The sizes are required; everything else defaults to "absent": no
     * rotary scaling, no biases, no soft caps, full attention on every layer, no bos or eos token,
     * a silu MLP, float32, and scores scaled by 1/√headDim.
     */
    public static final class Builder {
        private final Family family;
        private final String modelType;
        private int hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize;
        private int maxPositionEmbeddings, bosTokenId = -1;
        private float normEps;
        private double ropeTheta, queryPreAttnScalar, attnLogitSoftcapping, finalLogitSoftcapping;
        private RopeScaling ropeScaling;
        private boolean tieWordEmbeddings, qkvBias, outputBias, mlpBias;
        private int[] slidingWindowPerLayer, eosTokenIds = new int[0];
        private String torchDtype = "float32", hiddenAct = "silu";

        private Builder(Family family, String modelType) {
            this.family = family;
            this.modelType = modelType;
        }

        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder intermediateSize(int v) { intermediateSize = v; return this; }
        public Builder numLayers(int v) { numLayers = v; return this; }
        public Builder numHeads(int v) { numHeads = v; return this; }
        public Builder numKvHeads(int v) { numKvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder normEps(float v) { normEps = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder ropeScaling(RopeScaling v) { ropeScaling = v; return this; }
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder tieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
        public Builder qkvBias(boolean v) { qkvBias = v; return this; }
        public Builder outputBias(boolean v) { outputBias = v; return this; }
        public Builder mlpBias(boolean v) { mlpBias = v; return this; }
        public Builder slidingWindowPerLayer(int[] v) { slidingWindowPerLayer = v.clone(); return this; }
        public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder bosTokenId(int v) { bosTokenId = v; return this; }
        public Builder eosTokenIds(int[] v) { eosTokenIds = v.clone(); return this; }
        public Builder torchDtype(String v) { torchDtype = v; return this; }
        public Builder hiddenAct(String v) { hiddenAct = v; return this; }
        public Builder queryPreAttnScalar(double v) { queryPreAttnScalar = v; return this; }
        public Builder attnLogitSoftcapping(double v) { attnLogitSoftcapping = v; return this; }
        public Builder finalLogitSoftcapping(double v) { finalLogitSoftcapping = v; return this; }

        public ModelConfig build() {
            return new ModelConfig(family, modelType, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                    headDim, normEps, ropeTheta, ropeScaling, vocabSize, tieWordEmbeddings, qkvBias, outputBias, mlpBias,
                    slidingWindowPerLayer != null ? slidingWindowPerLayer : new int[numLayers], maxPositionEmbeddings,
                    bosTokenId, eosTokenIds, torchDtype, hiddenAct,
                    queryPreAttnScalar != 0 ? queryPreAttnScalar : headDim, attnLogitSoftcapping, finalLogitSoftcapping);
        }
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "array" : e.isJsonNull() ? "null" : "value " + e;
    }

    public static ModelConfig load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(Files.exists(dir) ? dir + " is a file, not a model folder (pass the folder that holds config.json)"
                    : "model folder " + dir + " does not exist");
        }
        Path file = dir.resolve("config.json");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing config.json in " + dir + " (is this a Hugging Face model folder?)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage());
        }
        if (text.isBlank()) throw new CheckpointException(file + " is empty");
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(text);
        } catch (RuntimeException e) {
            throw new CheckpointException(file + " is not valid JSON: " + laai.checkpoint.StrictJson.reason(e));
        }
        if (!parsed.isJsonObject()) throw new CheckpointException(file + " holds a JSON " + kind(parsed) + ", not an object");
        JsonObject json = parsed.getAsJsonObject();
        try {
            return parse(json, file);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    /** config.json's content, read by the family its model_type names ({@link Families}). */
    static ModelConfig parse(JsonObject c, Path file) {
        JsonElement type = c.get("model_type");
        if (type == null || type.isJsonNull()) {
            throw new CheckpointException(file + " has no \"model_type\"");
        }
        String modelType = type.getAsString();
        Family family = Families.of(modelType);
        if (family == null) {
            throw new CheckpointException(file + ": unsupported model_type \"" + modelType
                    + "\" (supported: " + Families.SUPPORTED + ")");
        }
        return family.config(c, file);
    }

    /** A token id or a list of them (eos_token_id); none for null or absent. */
    public static int[] tokenIds(JsonElement e) {
        if (e == null || e.isJsonNull()) return new int[0];
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            int[] ids = new int[a.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = a.get(i).getAsInt();
            return ids;
        }
        return new int[] {e.getAsInt()};
    }
}
