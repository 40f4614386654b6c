package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import laai.checkpoint.Checkpoint;
import laai.runtime.Djl;

import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * A Llama-family decoder (Llama 2/3, Mistral, Qwen2, SmolLM, TinyLlama) as DJL tensor ops, with
 * Hugging Face weight names. One layer is
 * <pre>
 *   h      = x + W_O · attention(RMSNorm(x))          (heads: the input of W_O)
 *   x_next = h + W_down · (silu(W_gate · n) ⊙ W_up · n),  n = RMSNorm(h)
 * </pre>
 * {@link #forward} runs any chunk of positions from any layer up, against cached keys and values,
 * and calls a {@link SiteHook} at every layer's heads and residual sites: the entry point of both
 * generation and the intervention engine.
 */
public final class Llama implements AutoCloseable {

    /** A linear map in the Hugging Face [out, in] layout, with an optional bias. */
    record Linear(NDArray weight, NDArray bias) {
        NDArray apply(NDArray x) {
            return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
        }
    }

    record Layer(NDArray inputNorm, Linear q, Linear k, Linear v, Linear o,
                 NDArray postAttentionNorm, Linear gate, Linear up, Linear down, int window) {}

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Rope rope;
    private final NDArray embedTokens;
    private final Layer[] layers;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final AutoCloseable source;
    private final NDIndex firstHalf;
    private final NDIndex secondHalf;

    /**
     * Builds the model from named weights. {@code weight} returns each tensor in {@code dtype} on
     * the manager's device, or null when it is absent.
     */
    public Llama(ModelConfig config, NDManager manager, DataType dtype,
                 BiFunction<String, Boolean, NDArray> weight, AutoCloseable source) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.source = source;
        this.rope = new Rope(config);
        this.embedTokens = weight.apply("model.embed_tokens.weight", true);
        this.layers = new Layer[config.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(
                    weight.apply(p + "input_layernorm.weight", true),
                    linear(weight, p + "self_attn.q_proj", config.attentionBias()),
                    linear(weight, p + "self_attn.k_proj", config.attentionBias()),
                    linear(weight, p + "self_attn.v_proj", config.attentionBias()),
                    linear(weight, p + "self_attn.o_proj", config.outputBias()),
                    weight.apply(p + "post_attention_layernorm.weight", true),
                    linear(weight, p + "mlp.gate_proj", config.mlpBias()),
                    linear(weight, p + "mlp.up_proj", config.mlpBias()),
                    linear(weight, p + "mlp.down_proj", config.mlpBias()),
                    config.slidingWindowPerLayer()[l]);
        }
        this.finalNorm = weight.apply("model.norm.weight", true);
        NDArray head = weight.apply("lm_head.weight", !config.tieWordEmbeddings());
        this.lmHead = head != null ? head : embedTokens;
        int half = config.headDim() / 2;
        this.firstHalf = new NDIndex("..., :" + half);
        this.secondHalf = new NDIndex("..., " + half + ":");
    }

    private static Linear linear(BiFunction<String, Boolean, NDArray> weight, String name, boolean bias) {
        return new Linear(weight.apply(name + ".weight", true), bias ? weight.apply(name + ".bias", true) : null);
    }

    /**
     * Loads a Hugging Face model folder. {@code dtype} is FLOAT32, or FLOAT16 (meant for GPUs: CPU
     * half-precision matrix products are slow).
     */
    public static Llama load(Path dir, Device device, DataType dtype) {
        ModelConfig config = ModelConfig.load(dir);
        Checkpoint checkpoint = Checkpoint.open(dir);
        NDManager manager = Djl.newManager(device);
        try {
            return new Llama(config, manager, dtype, (name, required) -> {
                if (!required && !checkpoint.has(name)) return null;
                return checkpoint.load(manager, name, dtype);
            }, checkpoint);
        } catch (RuntimeException e) {
            manager.close();
            checkpoint.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public DataType dtype() {
        return dtype;
    }

    public Device device() {
        return manager.getDevice();
    }

    Rope rope() {
        return rope;
    }

    /** Size of the vector at a site. */
    public int siteSize(Site site) {
        return site == Site.HEADS ? config.qDim() : config.hiddenSize();
    }

    /** Positions laid out for this model, against an optional cache; see {@link Chunk}. */
    public Chunk chunk(int[][] positions, KvCache past) {
        return new Chunk(this, positions, past);
    }

    /** Token embeddings, [batch, width, hidden], for int64 ids [batch, width]. */
    public NDArray embed(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    }

    /** The hidden states after the last layer and the keys and values of the chunk's positions. */
    public record Output(NDArray hidden, KvCache cache) {}

    /** Runs layers {@code from} .. L−1; see {@link #forward(NDArray, int, int, Chunk, KvCache, SiteHook)}. */
    public Output forward(NDArray x, int from, Chunk chunk, KvCache past, SiteHook hook) {
        return forward(x, from, layers.length, chunk, past, hook);
    }

    /**
     * Runs layers {@code from} .. {@code to}−1 on the chunk's hidden states x, [batch, width,
     * hidden], as they enter layer {@code from}. Keys and values of earlier positions come from
     * {@code past} (null for none); the returned cache holds past and chunk together for the
     * layers run.
     */
    public Output forward(NDArray x, int from, int to, Chunk chunk, KvCache past, SiteHook hook) {
        if (from < 0 || from > to || to > layers.length) {
            throw new IllegalArgumentException("layers " + from + ".." + (to - 1) + " out of range 0.." + (layers.length - 1));
        }
        KvCache present = new KvCache(layers.length, chunk.keyPositions());
        for (int l = from; l < to; l++) {
            NDArray heads = attention(l, layers[l], rmsNorm(x, layers[l].inputNorm()), chunk, past, present);
            x = finishLayer(l, x, heads, chunk, hook);
        }
        return new Output(x, present);
    }

    /**
     * The rest of layer l once its attention has produced {@code heads} (the input of o_proj) for
     * hidden states x that entered the layer: x + W_O·heads, then the MLP block, with the hook
     * called at both sites. The intervention engine enters here with cached heads, because at
     * layer ℓ nothing before Δ's addition can change.
     */
    public NDArray finishLayer(int l, NDArray x, NDArray heads, Chunk chunk, SiteHook hook) {
        Layer w = layers[l];
        if (hook != null) heads = hook.apply(l, Site.HEADS, heads, chunk);
        x = x.add(w.o().apply(heads));
        x = x.add(mlp(w, rmsNorm(x, w.postAttentionNorm())));
        if (hook != null) x = hook.apply(l, Site.RESIDUAL, x, chunk);
        return x;
    }

    /** Logits, [.., vocab] (FLOAT32, or FLOAT64 for a FLOAT64 model), of hidden states after the last layer. */
    public NDArray logits(NDArray hidden) {
        return Tensors.widen(new Linear(lmHead, null).apply(rmsNorm(hidden, finalNorm)));
    }

    private NDArray attention(int l, Layer w, NDArray h, Chunk chunk, KvCache past, KvCache present) {
        long batch = h.getShape().get(0), width = h.getShape().get(1);
        int heads = config.numHeads(), kvHeads = config.numKvHeads(), d = config.headDim();
        NDArray q = w.q().apply(h).reshape(batch, width, heads, d).transpose(0, 2, 1, 3);     // [B,H,S,d]
        NDArray k = w.k().apply(h).reshape(batch, width, kvHeads, d).transpose(0, 2, 1, 3);   // [B,KVH,S,d]
        NDArray v = w.v().apply(h).reshape(batch, width, kvHeads, d).transpose(0, 2, 1, 3);
        q = rotate(q, chunk);
        k = rotate(k, chunk);
        if (past != null && past.has(l)) {
            k = past.keys(l).concat(k, 2);
            v = past.values(l).concat(v, 2);
        }
        present.put(l, k, v);
        // Grouped-query attention without copying keys: query head h reads kv head h / (H / KVH),
        // as transformers' repeat_kv (repeat_interleave) does.
        long group = heads / kvHeads;
        NDArray scores = q.mul((float) (1.0 / Math.sqrt(d)))
                .reshape(batch, kvHeads, group, width, d)
                .matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3))                              // [B,KVH,g,S,K]
                .add(chunk.maskFor(w.window()));
        NDArray probs = Tensors.cast(Tensors.widen(scores).softmax(-1), dtype);
        return probs.matMul(v.expandDims(2))                                                    // [B,KVH,g,S,d]
                .reshape(batch, heads, width, d)
                .transpose(0, 2, 1, 3)
                .reshape(batch, width, (long) heads * d);
    }

    /** x·cos + rotate_half(x)·sin, rotate_half(x) = (−x[d/2:], x[:d/2]). */
    private NDArray rotate(NDArray x, Chunk chunk) {
        NDArray rotated = x.get(secondHalf).neg().concat(x.get(firstHalf), -1);
        return x.mul(chunk.cos).add(rotated.mul(chunk.sin));
    }

    private NDArray mlp(Layer w, NDArray n) {
        NDArray gate = w.gate().apply(n);
        return w.down().apply(gate.mul(Activation.sigmoid(gate)).mul(w.up().apply(n)));
    }

    /** RMSNorm computed in (at least) float32, as transformers does, then scaled by the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray xf = Tensors.widen(x);
        NDArray normed = xf.div(xf.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt());
        return Tensors.cast(normed, dtype).mul(weight);
    }

    @Override
    public void close() {
        manager.close();
        if (source != null) {
            try {
                source.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
