package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import laai.checkpoint.Checkpoint;
import laai.runtime.Djl;
import laai.runtime.Interrupted;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static laai.model.Tensors.keep;

/**
 * A decoder-only transformer as DJL tensor ops, over Hugging Face checkpoints of every supported
 * family (Llama 2/3, SmolLM, TinyLlama, Mistral, Qwen2, Qwen3, Gemma-2, GPT-2; see
 * {@link laai.model.family.Families}). One layer ({@link Layer}) is
 * <pre>
 *   heads  = attention(norm₁(x))                       (the input of W_O: the HEADS site)
 *   h      = x + norm₂(W_O · heads)                    (norm₂: Gemma-2's post-attention norm, else none)
 *   x_next = h + norm₄(mlp(norm₃(h)))                  (norm₄: Gemma-2's post-feed-forward norm, else none)
 * </pre>
 * Each family's {@link laai.model.family.Family} maps its tensor names onto these parts; the
 * numerics are here, once, switched by what the parts and the config hold:
 * <ul>
 *   <li>norms: RMSNorm (Llama), RMSNorm scaled by (1 + w) in float32 (Gemma-2), LayerNorm with
 *       bias (GPT-2); see {@link Norm};
 *   <li>attention: rotary positions unless the family learns a position table (GPT-2),
 *       grouped-query heads, a head size that need not be hidden / heads (Gemma-2, Qwen3), an
 *       RMSNorm of each query and key head before RoPE (Qwen3), scores scaled by
 *       query_pre_attn_scalar^-1/2 and soft-capped (Gemma-2), sliding windows per layer;
 *   <li>mlp: gated, W_down·(act(W_gate·n) ⊙ W_up·n), or plain, W_down·act(W_up·n) (GPT-2), with
 *       the config's activation;
 *   <li>embeddings times √hidden (Gemma-2), plus learned positions (GPT-2); soft-capped final
 *       logits (Gemma-2).
 * </ul>
 * {@link #forward} runs any chunk of positions from any layer up, against cached keys and values,
 * and calls a {@link SiteHook} at every layer's heads and residual sites: the entry point of both
 * generation and the intervention engine.
 */
public final class DecoderModel implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;             // what the model computes in
    private final DataType storage;           // what its matrices are kept in: dtype, or FLOAT16 on a CPU
    private final Rope rope;                  // null for learned positions (GPT-2)
    private final NDArray embedTokens;
    private final NDArray positionEmbeddings; // GPT-2's wpe, else null
    private final NDArray embedScale;         // Gemma-2's √hidden in the model dtype, else null
    private final Layer[] layers;
    private final Norm finalNorm;
    private final Linear lmHead;
    private final float attentionScale;
    private final Map<Float, NDArray> constants = new ConcurrentHashMap<>(); // see constant()
    private final AutoCloseable source;
    private final NDIndex firstHalf;
    private final NDIndex secondHalf;

    /**
     * Builds the model from named weights: {@code weights} returns each tensor in {@code dtype} on
     * the manager's device. Derived views (GPT-2's split and transposed projections, Gemma's 1 + w)
     * belong to {@code manager}, as the weights do.
     */
    public DecoderModel(ModelConfig config, NDManager manager, DataType dtype, WeightSource weights,
                        AutoCloseable source) {
        this(config, manager, dtype, dtype, weights, source);
    }

    /**
     * With matrices (projections, embeddings, head) kept in {@code storage} and everything computed
     * in {@code dtype}: {@code weights} then returns tensors in {@code storage}, and the vectors (norm
     * scales, biases) are converted to {@code dtype} here.
     */
    public DecoderModel(ModelConfig config, NDManager manager, DataType dtype, DataType storage,
                        WeightSource weights, AutoCloseable source) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.storage = storage;
        this.source = source;
        if (storage != dtype) {
            WeightSource stored = weights;
            weights = (name, required) -> {
                NDArray w = stored.tensor(name, required);
                return w == null || w.getShape().dimension() > 1 ? w : computeCopy(w);
            };
        }
        this.rope = config.family().usesRope() ? new Rope(config) : null;
        ModelParts parts = config.family().parts(config, new Weights(weights, manager, dtype));
        this.embedTokens = parts.embedTokens();
        this.positionEmbeddings = parts.positionEmbeddings();
        this.embedScale = parts.embedScale();
        this.layers = parts.layers().toArray(new Layer[0]);
        this.finalNorm = parts.finalNorm();
        this.lmHead = parts.lmHead();
        this.attentionScale = (float) config.attentionScale();
        int half = config.headDim() / 2;
        this.firstHalf = new NDIndex("..., :" + half);
        this.secondHalf = new NDIndex("..., " + half + ":");
    }

    /** A vector kept in the compute type: it is small, and the norms and biases read it every time. */
    private NDArray computeCopy(NDArray w) {
        if (w.getDataType() == dtype) return w;
        NDArray c = keep(w.toType(dtype, false));
        w.close();
        return c;
    }

    /**
     * A constant factor as a 0-d float32 tensor that lives as long as the model; use it, never a
     * bare number, to multiply or divide anything autograd may differentiate. DJL's
     * {@code x.mul(float)} wraps the number in a tensor over a fresh direct buffer and closes that
     * tensor at once, but autograd keeps it for the backward pass, which then reads a buffer the
     * garbage collector may already have freed and reused. Gradients then came out wrong now and
     * then (entirely wrong in FreedConstantsTest, which refills freed memory on purpose), and the
     * same seed gave different Δs from one process to the next.
     */
    private NDArray constant(float value) {
        return constants.computeIfAbsent(value, v -> keep(manager.create(v.floatValue())));
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Loads a Hugging Face model folder, computing in and keeping its weights in {@code dtype}:
     * FLOAT32, or FLOAT16 (meant for GPUs: CPU half-precision matrix products are slow). BF16
     * checkpoints are widened in Java on the way in.
     */
    public static DecoderModel load(Path dir, Device device, DataType dtype) {
        return load(dir, device, dtype, dtype);
    }

    /**
     * What a model asked for in {@code dtype} computes in on {@code device}: FLOAT16 stays FLOAT16
     * on a GPU; on a CPU, whose half-precision products are unusably slow, FLOAT16 means half the
     * memory with float32 arithmetic (weights kept in FLOAT16, widened a layer at a time).
     */
    public static DataType computeType(Device device, DataType dtype) {
        return dtype == DataType.FLOAT16 && Device.Type.CPU.equals(device.getDeviceType()) ? DataType.FLOAT32 : dtype;
    }

    /**
     * Loads a Hugging Face model folder with its matrices kept in {@code storage} and arithmetic in
     * {@code dtype} (FLOAT16 storage with FLOAT32 compute halves the memory of a CPU model; each
     * product widens its weight for that product only).
     */
    public static DecoderModel load(Path dir, Device device, DataType dtype, DataType storage) {
        ModelConfig config = ModelConfig.load(dir);
        Checkpoint checkpoint = Checkpoint.open(dir);
        try {
            checkShapes(config, checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
        NDManager manager = Djl.newManager(device);
        try {
            DecoderModel model = new DecoderModel(config, manager, dtype, storage, (name, required) -> {
                if (!required && !checkpoint.has(name)) return null;
                NDArray w = checkpoint.load(manager, name, storage);
                // A NaN or ∞ weight otherwise shows up as a table of zeros or a NaN loss, far from its cause.
                if (!Tensors.allFinite(w)) {
                    throw new laai.checkpoint.CheckpointException("tensor '" + name + "' holds NaN or infinite values (in "
                            + checkpoint.info(name).file() + ")");
                }
                return w;
            }, checkpoint);
            checkpoint.finishLoading();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            checkpoint.close();
            throw e;
        }
    }

    /**
     * What {@link #load} checks before it reads any tensor data: config.json, the checkpoint's
     * headers, and every tensor's shape against the config. Cheap (headers only), so a caller can
     * find a broken folder before giving up the model it has.
     */
    public static void checkFolder(Path dir) {
        ModelConfig config = ModelConfig.load(dir);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            checkShapes(config, checkpoint);
        }
    }

    /**
     * Every tensor the config calls for against the checkpoint's header, before any data is read:
     * a config that disagrees with its tensors (a vocab_size, an intermediate_size, a transposed
     * q_proj) is reported with the tensor's name and both shapes, not by the first forward pass. A
     * missing tensor is left to the load, which names the files it looked in.
     */
    static void checkShapes(ModelConfig config, Checkpoint checkpoint) {
        // GPT-2's tensor names come bare (as GPT2Model saves them) or prefixed; no other family's do.
        boolean prefixed = !checkpoint.has("wte.weight");
        for (Map.Entry<String, long[]> e : ModelShapes.of(config, prefixed).entrySet()) {
            if (!checkpoint.has(e.getKey())) continue;
            long[] found = checkpoint.info(e.getKey()).shape();
            if (!java.util.Arrays.equals(found, e.getValue())) {
                throw new laai.checkpoint.CheckpointException("tensor '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(found) + " but config.json calls for " + java.util.Arrays.toString(e.getValue())
                        + " (in " + checkpoint.info(e.getKey()).file() + ")");
            }
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

    /** The type the matrices are kept in: {@link #dtype()}, or FLOAT16 for half-precision storage on a CPU. */
    public DataType storage() {
        return storage;
    }

    /** Whether matrices are widened at each use (and a layer's widened copies freed after it). */
    public boolean streamsWeights() {
        return storage != dtype;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The rotary tables' frequencies, or null when the model learns its positions (GPT-2). */
    Rope rope() {
        return rope;
    }

    /** Whether the embeddings depend on positions (GPT-2's learned table). */
    boolean learnedPositions() {
        return positionEmbeddings != null;
    }

    /** Size of the vector at a site. */
    public int siteSize(Site site) {
        return site == Site.HEADS ? config.qDim() : config.hiddenSize();
    }

    /** Positions laid out for this model, against an optional cache; see {@link Chunk}. */
    public Chunk chunk(int[][] positions, KvCache past) {
        return new Chunk(this, positions, new int[positions.length][positions[0].length], past);
    }

    /**
     * One batch row holding several sequences: position i belongs to sequence {@code sequence[i]}
     * and attends only to that sequence's keys here and in {@code past} (a {@link KvCache#pack}).
     */
    public Chunk packedChunk(int[] positions, int[] sequence, KvCache past) {
        if (positions.length != sequence.length) throw new IllegalArgumentException("one sequence per position");
        return new Chunk(this, new int[][] {positions}, new int[][] {sequence}, past);
    }

    /**
     * The input of the first layer, [batch, width, hidden], for int64 ids [batch, width] at
     * positions 0 .. width − 1 of every sequence (a chunk that starts the sequences, no cache).
     * Where positions matter (GPT-2) and a chunk continues a cache, use {@link #embed(NDArray, Chunk)}.
     */
    public NDArray embed(NDArray ids) {
        NDArray x = tokens(ids);
        if (positionEmbeddings == null) return x;
        long width = ids.getShape().get(1);
        checkPosition(width - 1);
        NDArray positions = manager.arange(0, (int) width, 1, DataType.INT64).expandDims(0);
        return x.add(computed(lookup(positions, positionEmbeddings)));
    }

    /**
     * The input of the first layer, [batch, width, hidden], for int64 ids [batch, width] at the
     * chunk's positions: token embeddings (times √hidden for Gemma-2), plus the position embeddings
     * for GPT-2 (padding slots take position 0; their rows are ignored).
     */
    public NDArray embed(NDArray ids, Chunk chunk) {
        Shape s = ids.getShape();
        if (s.dimension() != 2 || s.get(0) != chunk.batch() || s.get(1) != chunk.width()) {
            throw new IllegalArgumentException("ids " + s + " do not match the chunk's [" + chunk.batch() + ", "
                    + chunk.width() + "] positions");
        }
        NDArray x = tokens(ids);
        return positionEmbeddings == null ? x : x.add(computed(lookup(chunk.positionIds, positionEmbeddings)));
    }

    /** Rows looked up in a table kept in half precision, in the compute type (no gradient flows into tables). */
    private NDArray computed(NDArray rows) {
        return rows.getDataType() == dtype ? rows : rows.toType(dtype, false);
    }

    private NDArray tokens(NDArray ids) {
        NDArray x = computed(lookup(ids, embedTokens));
        return embedScale == null ? x : x.mul(embedScale);
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * GPT-2 has a row per position up to n_positions and nothing beyond. Rotary models may run past
     * max_position_embeddings, as in transformers (the shipped demo model's 10-shot opinion prompts
     * reach position 527 of its 512); {@link Chunk} still refuses masks too large to allocate.
     */
    void checkPosition(long position) {
        if (positionEmbeddings != null && position >= config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("position " + position + " is beyond the " + config.maxPositionEmbeddings()
                    + " learned positions (n_positions) of this model: use a shorter prompt, fewer demonstrations or fewer new tokens");
        }
    }

    /** Checks that {@code tokens} positions from 0 fit the model; see {@link #checkPosition}. */
    public void checkLength(long tokens) {
        if (tokens > 0) checkPosition(tokens - 1);
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
        return run(x, from, to, chunk, past, hook, true);
    }

    /**
     * The hidden states after the last layer, with no cache kept: each layer's keys and values go
     * with the layer. A scoring pass over long prompts (10-shot opinion prompts of Gemma-2-2B: 26
     * layers' keys and values of 16 × 525 positions, 1.8 GB) needs none of them.
     */
    public NDArray hidden(NDArray x, Chunk chunk, SiteHook hook) {
        return run(x, 0, layers.length, chunk, null, hook, false).hidden();
    }

    private Output run(NDArray x, int from, int to, Chunk chunk, KvCache past, SiteHook hook, boolean keepCache) {
        if (from < 0 || from > to || to > layers.length) {
            throw new IllegalArgumentException("layers " + from + ".." + (to - 1) + " out of range 0.." + (layers.length - 1));
        }
        KvCache present = new KvCache(layers.length, chunk.keyPositions(), chunk.keySequences());
        for (int l = from; l < to; l++) {
            // A forward of a large model on a CPU takes seconds: an interrupt stops it between
            // layers, and the caller's scope frees what the finished layers made.
            Interrupted.check("a forward pass");
            // Everything a layer makes (and, for half-precision storage, its widened weights) goes
            // when the layer is done, not when the caller's scope closes: a 10-shot evaluation batch
            // of a 1 B model otherwise held every layer's activations at once. Under autograd the
            // graph keeps what backward needs (none of it over a Java buffer: see constant()). Only
            // the layer's output and its keys and values move on to the caller's scope.
            try (NDScope layerScope = new NDScope()) {
                NDArray heads = attention(l, layers[l], norm(x, layers[l].attentionNorm()), chunk, past, present);
                x = finishLayer(l, x, heads, chunk, hook);
                NDScope.unregister(x);
                if (keepCache) NDScope.unregister(present.keys(l), present.values(l));
            }
            NDScope.register(x);
            if (keepCache) {
                NDScope.register(present.keys(l));
                NDScope.register(present.values(l));
            }
        }
        return new Output(x, keepCache ? present : null);
    }

    /**
     * The rest of layer l once its attention has produced {@code heads} (the input of o_proj) for
     * hidden states x that entered the layer: x + W_O·heads (through Gemma-2's post-attention norm),
     * then the MLP block, with the hook called at both sites. The intervention engine enters here
     * with cached heads, because at layer ℓ nothing before Δ's addition can change.
     */
    public NDArray finishLayer(int l, NDArray x, NDArray heads, Chunk chunk, SiteHook hook) {
        Layer w = layers[l];
        if (hook != null) heads = hook.apply(l, Site.HEADS, heads, chunk);
        NDArray attended = w.o().apply(heads);
        if (w.attentionOutputNorm() != null) attended = norm(attended, w.attentionOutputNorm());
        x = x.add(attended);
        NDArray fed = mlp(w, norm(x, w.mlpNorm()));
        if (w.mlpOutputNorm() != null) fed = norm(fed, w.mlpOutputNorm());
        x = x.add(fed);
        if (hook != null) x = hook.apply(l, Site.RESIDUAL, x, chunk);
        return x;
    }

    /**
     * Logits, [.., vocab] (FLOAT32, or FLOAT64 for a FLOAT64 model), of hidden states after the
     * last layer; Gemma-2 soft-caps them (cap·tanh(logits / cap)), after widening to float32.
     */
    public NDArray logits(NDArray hidden) {
        return capLogits(headProduct(finalNorm(hidden)));
    }

    // The three steps of logits, for a backward pass taken a piece at a time (see FastPath).

    /** The final norm of hidden states after the last layer: the head's input. */
    public NDArray finalNorm(NDArray hidden) {
        return norm(hidden, finalNorm);
    }

    /** The head's product, [.., vocab], widened to (at least) float32. */
    public NDArray headProduct(NDArray normed) {
        return Tensors.widen(lmHead.apply(normed));
    }

    /** Gemma-2's final soft cap (cap·tanh(logits / cap)); the identity for other families. */
    public NDArray capLogits(NDArray product) {
        double cap = config.finalLogitSoftcapping();
        return cap > 0 ? softcap(product, cap) : product;
    }

    /** dL/d(head input) from dL/d{@link #headProduct}, without gradient: the head's transposed product. */
    public NDArray headInputGradient(NDArray dProduct) {
        return lmHead.inputGradient(dProduct);
    }

    private NDArray attention(int l, Layer w, NDArray h, Chunk chunk, KvCache past, KvCache present) {
        long batch = h.getShape().get(0), width = h.getShape().get(1);
        int heads = config.numHeads(), kvHeads = config.numKvHeads(), d = config.headDim();
        NDArray q = w.q().apply(h).reshape(batch, width, heads, d);                           // [B,S,H,d]
        NDArray k = w.k().apply(h).reshape(batch, width, kvHeads, d);                         // [B,S,KVH,d]
        // Qwen3 normalises each query and key head over its d entries, before the rotation.
        if (w.qNorm() != null) q = norm(q, w.qNorm());
        if (w.kNorm() != null) k = norm(k, w.kNorm());
        q = q.transpose(0, 2, 1, 3);                                                            // [B,H,S,d]
        k = k.transpose(0, 2, 1, 3);                                                            // [B,KVH,S,d]
        NDArray v = w.v().apply(h).reshape(batch, width, kvHeads, d).transpose(0, 2, 1, 3);
        if (rope != null) {
            q = rotate(q, chunk);
            k = rotate(k, chunk);
        }
        if (past != null && past.has(l)) {
            k = past.keys(l).concat(k, 2);
            v = past.values(l).concat(v, 2);
        }
        present.put(l, k, v);
        // Grouped-query attention without copying keys: query head h reads kv head h / (H / KVH),
        // as transformers' repeat_kv (repeat_interleave) does. Scores are (q·kᵀ)·scale, then
        // Gemma-2's soft cap, then the mask, as in the eager attention of modeling_gemma2.py.
        long group = heads / kvHeads;
        NDArray scores = q.reshape(batch, kvHeads, group, width, d)
                .matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3))                              // [B,KVH,g,S,K]
                .mul(constant(attentionScale));
        double cap = config.attnLogitSoftcapping();
        if (cap > 0) scores = softcap(scores, cap);
        scores = scores.add(chunk.maskFor(w.window()));
        NDArray probs = Tensors.cast(Tensors.widen(scores).softmax(-1), dtype);
        return probs.matMul(v.expandDims(2))                                                    // [B,KVH,g,S,d]
                .reshape(batch, heads, width, d)
                .transpose(0, 2, 1, 3)
                .reshape(batch, width, (long) heads * d);
    }

    /** cap·tanh(x / cap): bounded by ±cap, the identity near 0. */
    private NDArray softcap(NDArray x, double cap) {
        NDArray c = constant((float) cap);
        return x.div(c).tanh().mul(c);
    }

    /** x·cos + rotate_half(x)·sin, rotate_half(x) = (−x[d/2:], x[:d/2]). */
    private NDArray rotate(NDArray x, Chunk chunk) {
        NDArray rotated = x.get(secondHalf).neg().concat(x.get(firstHalf), -1);
        return x.mul(chunk.cos).add(rotated.mul(chunk.sin));
    }

    /** Gated (Llama, Gemma-2): W_down·(act(W_gate·n) ⊙ W_up·n); plain (GPT-2): W_down·act(W_up·n). */
    private NDArray mlp(Layer w, NDArray n) {
        NDArray up = w.up().apply(n);
        NDArray inner = w.gate() == null ? activate(up) : activate(w.gate().apply(n)).mul(up);
        return w.down().apply(inner);
    }

    /** transformers' ACT2FN entries by name. */
    private NDArray activate(NDArray x) {
        return switch (config.hiddenAct()) {
            case "silu" -> x.mul(Activation.sigmoid(x));
            // gelu_pytorch_tanh (torch's gelu(approximate="tanh")) and gelu_new (NewGELUActivation)
            // are the same formula: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
            case "gelu_pytorch_tanh", "gelu_new" -> x.mul(x).mul(x).mul(constant(0.044715f)).add(x)
                    .mul(constant((float) Math.sqrt(2 / Math.PI))).tanh().add(1f).mul(x).mul(constant(0.5f));
            case "gelu" -> x.mul(constant((float) (1 / Math.sqrt(2)))).erf().add(1f).mul(x).mul(constant(0.5f));
            case "relu" -> Activation.relu(x);
            default -> throw new IllegalStateException("activation " + config.hiddenAct());
        };
    }

    private NDArray norm(NDArray x, Norm n) {
        NDArray xf = Tensors.widen(x);
        return switch (n.kind()) {
            case RMS -> Tensors.cast(rmsNormalised(xf), dtype).mul(n.scale());
            case RMS_ONE_PLUS -> Tensors.cast(rmsNormalised(xf).mul(n.scale()), dtype);
            case LAYER -> Tensors.cast(xf.getNDArrayInternal()
                    .layerNorm(xf, new Shape(config.hiddenSize()), n.scale(), n.bias(), config.normEps())
                    .singletonOrThrow(), dtype);
        };
    }

    /** x · rsqrt(mean(x²) + eps) over the last axis. */
    private NDArray rmsNormalised(NDArray xf) {
        return xf.div(xf.square().mean(new int[] {-1}, true).add(config.normEps()).sqrt());
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
