package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import laai.model.Chunk;
import laai.model.KvCache;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.RecordActivations;
import laai.model.Site;
import laai.model.Tensors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objective recomputed only where Δ can change anything. Δ acts at the last prompt token T at
 * layer ℓ, so under the causal mask positions before T never change, nothing below ℓ does, and in
 * layer ℓ itself only T's output does (the answer positions after T attend to T's keys and values,
 * which are computed before Δ is added). One clean pass per sample caches the keys and values of
 * positions before T for the layers above ℓ; at T, the hidden state entering layer ℓ and the heads
 * output there (for the residual site: the hidden state leaving layer ℓ); and the teacher-forced
 * answer positions as they leave layer ℓ. Every step then adds Δ, finishes layer ℓ at the N last
 * prompt tokens only, and runs them with the answer positions through the layers above, batched
 * over the samples against the cached prefixes: packed side by side in one row, or stacked one
 * sample per row, whichever costs less (see {@link #packs}).
 *
 * <p>Batched Δs: given K objectives (tasks, seeds, N, or the same one for Δs that differ only in
 * their penalty), one step runs the rows of all K through the same products, sample i of Δ k
 * receiving Δ_k. Each Δ reads only its own rows, so its loss and gradient are those of training it
 * alone. The Δs still training are the {@code active} ones of {@link #losses}; when that set
 * shrinks (a Δ stopped early) the layout is assembled again from the cached samples, without
 * another clean pass.
 */
public final class FastPath implements LossPath {
    private final DecoderModel model;
    private final List<Objective> objectives;
    private final int layer;
    private final Site site;
    private final Boolean packedChoice;          // null: choose by cost
    private final Map<Example, Sample> samples;  // kept only while the layout may be assembled again (K > 1)
    private Layout layout;

    public FastPath(DecoderModel model, Objective objective, int layer, Site site) {
        this(model, List.of(objective), layer, site, null);
    }

    /** K Δs trained together, one per objective (the same objective may appear several times). */
    public FastPath(DecoderModel model, List<Objective> objectives, int layer, Site site) {
        this(model, objectives, layer, site, null);
    }

    /** With the layout given rather than chosen: tests run both. */
    FastPath(DecoderModel model, Objective objective, int layer, Site site, boolean packed) {
        this(model, List.of(objective), layer, site, (Boolean) packed);
    }

    FastPath(DecoderModel model, List<Objective> objectives, int layer, Site site, Boolean packed) {
        model.config().checkLayer(layer);
        if (objectives.isEmpty()) throw new IllegalArgumentException("no objective");
        this.model = model;
        this.objectives = List.copyOf(objectives);
        this.layer = layer;
        this.site = site;
        this.packedChoice = packed;
        int[] all = new int[objectives.size()];
        Arrays.setAll(all, k -> k);
        Map<Example, Sample> prepared = new IdentityHashMap<>();
        try {
            for (Objective o : objectives) {
                for (Example e : o.examples()) {
                    if (prepared.containsKey(e)) continue;
                    // Each clean pass in its own scope: only the sample's cut is kept, not its intermediates.
                    try (NDScope scope = new NDScope()) {
                        Sample sample = prepare(e);
                        sample.keep();
                        prepared.put(e, sample);
                    }
                }
            }
        } catch (RuntimeException e) {
            // An interrupt (laai.runtime.Interrupted, from the model's layers) or a failure during the
            // clean passes: the samples kept so far live outside every scope, so they go here.
            prepared.values().forEach(Sample::close);
            throw e;
        }
        this.layout = assemble(all, prepared);
        if (objectives.size() > 1) {
            this.samples = prepared;
        } else {
            prepared.values().forEach(Sample::close); // one Δ never re-assembles
            this.samples = null;
        }
    }

    /** One sample's clean pass, cut where Δ starts to matter. */
    private record Sample(KvCache prefix, NDArray atLast, NDArray heads, NDArray answers) {
        void keep() {
            prefix.keep();
            Tensors.keep(atLast);
            Tensors.keep(heads);
            if (answers != null) Tensors.keep(answers);
        }

        void close() {
            prefix.close();
            atLast.close();
            heads.close();
            if (answers != null) answers.close();
        }
    }

    private Sample prepare(Example e) {
        long[] ids = e.teacherForced();
        int t = e.lastPromptPosition();
        int changed = e.changedPositions();
        KvCache cache;
        if (t > 0) {
            Chunk before = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {t}), null);
            cache = model.forward(embed(Arrays.copyOf(ids, t), before), 0, before, null, null).cache();
        } else {
            cache = KvCache.empty(model);
        }
        Chunk own = model.chunk(Chunk.contiguous(new int[] {t}, new int[] {changed}), cache);
        NDArray x = model.forward(embed(Arrays.copyOfRange(ids, t, t + changed), own), 0, layer, own, cache, null).hidden();
        RecordActivations record = new RecordActivations(layer, Site.HEADS);
        NDArray out = model.forward(x, layer, layer + 1, own, cache, record).hidden();
        NDArray atLast = (site == Site.HEADS ? x : out).get(":, 0:1, :");
        NDArray heads = record.recorded().get(0).get(":, 0:1, :");
        record.recorded().get(0).close(); // recorded arrays outlive the scope by design
        NDArray answers = changed > 1 ? out.get(":, 1:, :") : null;
        return new Sample(cache.dropBelow(layer + 1), atLast, heads, answers);
    }

    /**
     * The step's tensors for the Δs numbered {@code groups}: their samples one after the other,
     * packed in one row or stacked, and the rows each objective reads, group by group.
     */
    private final class Layout {
        final int[] groups;
        final int[] sampleCount;  // per group
        final int[] rowEnd;       // per group: end of its rows among the rows the loss reads
        final KvCache prefix;     // every sample's positions before T, for the layers above ℓ
        final NDArray atLast;     // T entering layer ℓ (heads site) or leaving it (residual): [1, N, hidden] packed, [N, 1, hidden] stacked
        final NDArray heads;      // layer ℓ's clean o_proj input at T (heads site only), laid out as atLast
        final NDArray answers;    // answer positions leaving layer ℓ: [1, R − N, hidden] packed, [N, longest − 1, hidden] stacked; null if none
        final Chunk chunk;        // the N last prompt tokens first, then the answer positions
        final NDArray rows;       // the flat chunk index of each row the loss reads; null when in order
        final NDArray groupOf;    // [batch·width, groups]: 1 where a chunk position belongs to that Δ's samples
        final boolean packed;

        Layout(int[] groups, List<Sample> parts, List<Example> examples, int[] sampleCount, int[] rowSample,
               int[] rowOffset, int[] rowEnd) {
            this.groups = groups;
            this.sampleCount = sampleCount;
            this.rowEnd = rowEnd;
            int n = examples.size();
            this.packed = packedChoice != null ? packedChoice : packs(model.config(), examples);
            int longest = examples.stream().mapToInt(Example::changedPositions).max().orElseThrow();
            List<KvCache> caches = new ArrayList<>();
            NDArray[] last = new NDArray[n];
            NDArray[] lastHeads = new NDArray[n];
            List<NDArray> after = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Sample s = parts.get(i);
                caches.add(s.prefix());
                last[i] = s.atLast();
                lastHeads[i] = s.heads();
                if (packed && s.answers() != null) after.add(s.answers());
                if (!packed && longest > 1) after.add(padded(s.answers(), longest - 1, s.atLast()));
            }
            int axis = packed ? 1 : 0;
            prefix = (packed ? KvCache.pack(caches) : KvCache.stack(caches)).keep();
            atLast = Tensors.keep(NDArrays.concat(new NDList(last), axis));
            heads = site == Site.HEADS ? Tensors.keep(NDArrays.concat(new NDList(lastHeads), axis)) : null;
            answers = after.isEmpty() ? null : Tensors.keep(NDArrays.concat(new NDList(after), axis));
            long[] place = new long[rowSample.length];
            int[] sequenceOf = null;
            if (packed) {
                int width = examples.stream().mapToInt(Example::changedPositions).sum();
                int[] positions = new int[width];
                int[] sequence = new int[width];
                int[] firstAnswer = new int[n]; // where sample i's answer positions start in the row
                int next = n;
                for (int i = 0; i < n; i++) {
                    Example e = examples.get(i);
                    positions[i] = e.lastPromptPosition();
                    sequence[i] = i;
                    firstAnswer[i] = next;
                    for (int j = 1; j < e.changedPositions(); j++, next++) {
                        positions[next] = e.lastPromptPosition() + j;
                        sequence[next] = i;
                    }
                }
                chunk = model.packedChunk(positions, sequence, prefix).keep();
                sequenceOf = sequence;
                for (int r = 0; r < place.length; r++) {
                    int i = rowSample[r], j = rowOffset[r];
                    place[r] = j == 0 ? i : firstAnswer[i] + j - 1;
                }
            } else {
                int[] start = new int[n], length = new int[n];
                for (int i = 0; i < n; i++) {
                    start[i] = examples.get(i).lastPromptPosition();
                    length[i] = examples.get(i).changedPositions();
                }
                chunk = model.chunk(Chunk.contiguous(start, length), prefix).keep();
                for (int r = 0; r < place.length; r++) place[r] = (long) rowSample[r] * longest + rowOffset[r];
            }
            boolean inOrder = place.length == (long) chunk.batch() * chunk.width();
            for (int r = 0; r < place.length && inOrder; r++) inOrder = place[r] == r;
            rows = inOrder ? null : Tensors.keep(model.manager().create(place));
            int[] groupOfSample = new int[n];
            for (int g = 0, i = 0; g < groups.length; g++) {
                for (int j = 0; j < sampleCount[g]; j++) groupOfSample[i++] = g;
            }
            int positions = chunk.batch() * chunk.width();
            float[] oneHot = new float[positions * groups.length];
            for (int p = 0; p < positions; p++) {
                int sample = packed ? sequenceOf[p] : p / chunk.width();
                oneHot[p * groups.length + groupOfSample[sample]] = 1;
            }
            groupOf = Tensors.keep(model.manager().create(oneHot, new Shape(positions, groups.length)).toType(atLast.getDataType(), false));
        }

        void close() {
            prefix.close();
            atLast.close();
            if (heads != null) heads.close();
            if (answers != null) answers.close();
            chunk.close();
            if (rows != null) rows.close();
            groupOf.close();
        }
    }

    /** Lays out the samples of the given Δs; arrays it makes outlive the caller's scope. */
    private Layout assemble(int[] groups, Map<Example, Sample> prepared) {
        List<Sample> parts = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        int[] sampleCount = new int[groups.length];
        int[] rowEnd = new int[groups.length];
        int rows = 0;
        for (int g = 0; g < groups.length; g++) {
            Objective o = objectives.get(groups[g]);
            sampleCount[g] = o.examples().size();
            rows += o.rows();
            rowEnd[g] = rows;
        }
        int[] rowSample = new int[rows], rowOffset = new int[rows];
        int r = 0;
        for (int g = 0; g < groups.length; g++) {
            Objective o = objectives.get(groups[g]);
            for (int q = 0; q < o.rows(); q++, r++) {
                rowSample[r] = examples.size() + o.rowSample(q);
                rowOffset[r] = o.rowOffset(q);
            }
            for (Example e : o.examples()) {
                examples.add(e);
                parts.add(prepared.get(e));
            }
        }
        try (NDScope scope = new NDScope()) {
            return new Layout(groups, parts, examples, sampleCount, rowSample, rowOffset, rowEnd);
        }
    }

    /**
     * Whether the steps run the samples packed side by side in one row rather than stacked one per
     * row, whichever costs fewer FLOPs in one layer ({@link LayerFlops}). With short prompts packed
     * costs less, with long ones (k-shot) stacked can.
     */
    public static boolean packs(ModelConfig c, List<Example> examples) {
        return LayerFlops.packed(c, examples) <= LayerFlops.stacked(c, examples);
    }

    private NDArray embed(long[] ids, Chunk chunk) {
        return model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
    }

    /** x, [1, k, hidden] (null for k = 0), padded with zero positions to [1, width, hidden]. */
    private static NDArray padded(NDArray x, int width, NDArray like) {
        long have = x == null ? 0 : x.getShape().get(1);
        if (have == width) return x;
        NDArray zeros = like.getManager().zeros(new Shape(1, width - have, like.getShape().get(2)), like.getDataType());
        return x == null ? zeros : x.concat(zeros, 1);
    }

    @Override
    public NDArray loss(NDArray delta) {
        return losses(new int[] {0}, List.of(delta)).reshape();
    }

    @Override
    public int deltas() {
        return objectives.size();
    }

    @Override
    public NDArray losses(int[] active, List<NDArray> deltas) {
        if (active.length == 0 || active.length != deltas.size()) throw new IllegalArgumentException("one Δ per active objective");
        if (!Arrays.equals(active, layout.groups)) {
            if (samples == null) throw new IllegalStateException("a single-Δ path cannot change its Δs");
            Layout next = assemble(active, samples);
            layout.close();
            layout = next;
        }
        Layout at = layout;
        NDArray add;
        if (active.length == 1) {
            add = Tensors.cast(deltas.get(0), at.atLast.getDataType()); // broadcast over the samples
        } else {
            NDArray[] perSample = new NDArray[active.length];
            for (int g = 0; g < active.length; g++) {
                NDArray d = deltas.get(g);
                perSample[g] = d.reshape(1, d.size()).repeat(0, at.sampleCount[g]);
            }
            NDArray stacked = Tensors.cast(NDArrays.concat(new NDList(perSample), 0), at.atLast.getDataType());
            add = at.packed ? stacked.expandDims(0) : stacked.expandDims(1);
        }
        NDArray x = site == Site.HEADS ? model.finishLayer(layer, at.atLast, at.heads.add(add), null, null) : at.atLast.add(add);
        if (at.answers != null) x = x.concat(at.answers, 1);
        if (model.streamsWeights()) return streamed(at, active, x);
        if (layer + 1 < model.config().numLayers()) x = model.forward(x, layer + 1, at.chunk, at.prefix, null).hidden();
        NDArray normed = model.finalNorm(lossRows(at, x));
        HeadPass head = headByHand(at, active, normed);
        return surrogate(perGroup(at, normed.mul(head.dNormed()).sum(new int[] {1})), head.losses());
    }

    /** Each active Δ's loss, and dL/d(head input) for their sum. */
    private record HeadPass(double[] losses, NDArray dNormed) {}

    /**
     * The head and the losses outside autograd's graph. At vocabulary width they are where a
     * step's memory peaks: K Δs × 20 rows × 256,000 logits for Gemma-2, several arrays of that
     * size kept for backward. Here the head's product runs once for all rows without gradient;
     * then each Δ's loss and its gradient are taken on that Δ's rows alone (a few arrays of 20 rows
     * at a time), and dL/d(head input) is the head's transposed product of the collected gradient.
     */
    private HeadPass headByHand(Layout at, int[] active, NDArray normed) {
        boolean gradMode = JniUtils.isGradMode();
        NDArray product;
        JniUtils.setGradMode(false);
        try {
            product = model.headProduct(normed);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        double[] losses = new double[active.length]; // double: a float64 model's losses keep their precision
        // Each Δ's gradient overwrites its own rows of the product, which its loss no longer needs
        // once its backward is done: no second array of vocabulary width. From here on the product
        // array holds dL/d(product).
        long from = 0;
        for (int g = 0; g < active.length; g++) {
            long to = at.rowEnd[g];
            try (NDScope rows = new NDScope()) {
                JniUtils.setGradMode(true);
                NDArray p = leaf(product.get(from + ":" + to));
                NDArray loss = objectives.get(active[g]).loss(model.capLogits(p));
                JniUtils.backward((PtNDArray) loss, (PtNDArray) model.manager().ones(loss.getShape(), loss.getDataType()), false, false);
                JniUtils.setGradMode(false);
                losses[g] = loss.toType(DataType.FLOAT64, false).getDouble();
                product.set(new NDIndex(from + ":" + to), p.getGradient());
            } finally {
                JniUtils.setGradMode(gradMode);
            }
            from = to;
        }
        NDArray dNormed;
        JniUtils.setGradMode(false);
        try {
            dNormed = model.headInputGradient(Tensors.cast(product, normed.getDataType()));
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        product.close();
        return new HeadPass(losses, dNormed);
    }

    /** Sums of per-row values [R] over each active Δ's rows, [groups]. */
    private static NDArray perGroup(Layout at, NDArray perRow) {
        if (at.groups.length == 1) return perRow.sum().reshape(1);
        long[] ends = new long[at.groups.length - 1];
        for (int g = 0; g < ends.length; g++) ends[g] = at.rowEnd[g];
        NDList parts = perRow.split(ends, 0);
        NDArray[] sums = new NDArray[parts.size()];
        for (int g = 0; g < sums.length; g++) sums[g] = parts.get(g).sum();
        return NDArrays.stack(new NDList(sums));
    }

    /**
     * The losses as autograd sees them: {@code linear} (each Δ's x·G over its positions, G = dL/dx
     * computed by hand) minus its own value plus the losses, so that its value is the losses and
     * its gradient is theirs.
     */
    private NDArray surrogate(NDArray linear, double[] losses) {
        NDArray value = model.manager().create(linear.toType(DataType.FLOAT64, false).toDoubleArray())
                .toType(linear.getDataType(), false);
        NDArray loss = model.manager().create(losses).toType(linear.getDataType(), false);
        return linear.sub(value).add(loss);
    }

    /** The rows the loss reads, [R, hidden], of hidden states laid out as the chunk. */
    private static NDArray lossRows(Layout at, NDArray x) {
        long[] shape = x.getShape().getShape();
        NDArray flat = x.reshape(shape[0] * shape[1], shape[2]);
        return at.rows == null ? flat : flat.get(at.rows);
    }

    /**
     * The objectives for a model whose weights are kept in half precision and widened a layer at
     * a time ({@link DecoderModel#streamsWeights}). Autograd would keep every widened layer of the step
     * until backward, so the layers above ℓ run twice instead: once without gradient, keeping only
     * each layer's input; then from the top down, each layer again with gradient, to carry the
     * gradient of its output back to its input (the head likewise, its product without gradient
     * and its transposed product by hand). Only layer ℓ, where Δ enters, stays in the caller's
     * graph: with G = dL/dx for x leaving layer ℓ, Δ_k's entry is x·G over its positions minus that
     * sum's value plus its loss, whose value is the loss and whose gradient is Δ_k's.
     */
    private NDArray streamed(Layout at, int[] active, NDArray x) {
        boolean gradMode = JniUtils.isGradMode();
        try {
            return streamedWithGradient(at, active, x);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private NDArray streamedWithGradient(Layout at, int[] active, NDArray x) {
        int top = model.config().numLayers();
        List<NDArray> inputs = new ArrayList<>();
        NDArray h = x;
        JniUtils.setGradMode(false);
        try {
            for (int l = layer + 1; l < top; l++) {
                inputs.add(h);
                h = model.forward(h, l, l + 1, at.chunk, at.prefix, null).hidden();
            }
        } finally {
            JniUtils.setGradMode(true);
        }
        JniUtils.setGradMode(true);
        NDArray z = leaf(h);
        NDArray normed = model.finalNorm(lossRows(at, z));
        HeadPass head = headByHand(at, active, normed);
        JniUtils.backward((PtNDArray) normed, (PtNDArray) head.dNormed(), false, false);
        NDArray g = z.getGradient();
        for (int l = top - 1; l > layer; l--) {
            try (NDScope one = new NDScope()) {
                NDArray in = leaf(inputs.get(l - layer - 1));
                NDArray out = model.forward(in, l, l + 1, at.chunk, at.prefix, null).hidden();
                JniUtils.backward((PtNDArray) out, (PtNDArray) g, false, false);
                g = in.getGradient();
                NDScope.unregister(g);
            }
            NDScope.register(g);
        }
        long[] shape = x.getShape().getShape();
        return surrogate(x.mul(g).sum(new int[] {2}).reshape(shape[0] * shape[1]).matMul(at.groupOf), head.losses());
    }

    /** A copy of x's values that autograd starts from (x's own history cut off). */
    private static NDArray leaf(NDArray x) {
        NDArray a = x.stopGradient();
        a.setRequiresGradient(true);
        return a;
    }

    /** The changed positions, packed or stacked. */
    @Override
    public int[] shape() {
        return new int[] {layout.chunk.batch(), layout.chunk.width()};
    }

    /** Whether the current layout packs the samples into one row. */
    public boolean packed() {
        return layout.packed;
    }

    @Override
    public void close() {
        layout.close();
        if (samples != null) samples.values().forEach(Sample::close);
    }
}
