package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.Chunk;
import laai.model.KvCache;
import laai.model.Llama;
import laai.model.ModelConfig;
import laai.model.RecordActivations;
import laai.model.Site;
import laai.model.Tensors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 */
public final class FastPath implements LossPath {
    private final Llama model;
    private final Objective objective;
    private final int layer;
    private final Site site;
    private final KvCache prefix;   // every sample's positions before T, packed or stacked, for the layers above ℓ
    private final NDArray atLast;   // T entering layer ℓ (heads site) or leaving it (residual): [1, N, hidden] packed, [N, 1, hidden] stacked
    private final NDArray heads;    // layer ℓ's clean o_proj input at T (heads site only), laid out as atLast
    private final NDArray answers;  // answer positions leaving layer ℓ: [1, R − N, hidden] packed, [N, longest − 1, hidden] stacked; null if none
    private final Chunk chunk;      // the N last prompt tokens first, then the answer positions
    private final NDArray rows;     // the flat chunk index of each row the loss reads; null when in order

    public FastPath(Llama model, Objective objective, int layer, Site site) {
        this(model, objective, layer, site, packs(model.config(), objective.examples()));
    }

    /** With the layout given rather than chosen: tests run both. */
    FastPath(Llama model, Objective objective, int layer, Site site, boolean packed) {
        if (layer < 0 || layer >= model.config().numLayers()) {
            throw new IllegalArgumentException("layer " + layer + " out of range 0.." + (model.config().numLayers() - 1));
        }
        this.model = model;
        this.objective = objective;
        this.layer = layer;
        this.site = site;
        List<Example> examples = objective.examples();
        int n = examples.size();
        int longest = examples.stream().mapToInt(Example::changedPositions).max().orElseThrow();
        try (NDScope scope = new NDScope()) {
            List<KvCache> caches = new ArrayList<>();
            NDArray[] last = new NDArray[n];
            NDArray[] lastHeads = new NDArray[n];
            List<NDArray> after = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Example e = examples.get(i);
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
                last[i] = (site == Site.HEADS ? x : out).get(":, 0:1, :");
                lastHeads[i] = record.recorded().get(0).get(":, 0:1, :");
                record.recorded().get(0).close(); // recorded arrays outlive the scope by design
                NDArray rest = out.get(":, 1:, :");
                if (packed && changed > 1) after.add(rest);
                if (!packed && longest > 1) after.add(padded(rest, longest - 1));
                caches.add(cache.dropBelow(layer + 1));
            }
            int axis = packed ? 1 : 0;
            prefix = (packed ? KvCache.pack(caches) : KvCache.stack(caches)).keep();
            atLast = keep(NDArrays.concat(new NDList(last), axis));
            heads = site == Site.HEADS ? keep(NDArrays.concat(new NDList(lastHeads), axis)) : null;
            answers = after.isEmpty() ? null : keep(NDArrays.concat(new NDList(after), axis));
        }
        long[] place = new long[objective.rowSample.length];
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
            chunk = model.packedChunk(positions, sequence, prefix);
            for (int r = 0; r < place.length; r++) {
                int i = objective.rowSample[r], j = objective.rowOffset[r];
                place[r] = j == 0 ? i : firstAnswer[i] + j - 1;
            }
        } else {
            int[] start = new int[n], length = new int[n];
            for (int i = 0; i < n; i++) {
                start[i] = examples.get(i).lastPromptPosition();
                length[i] = examples.get(i).changedPositions();
            }
            chunk = model.chunk(Chunk.contiguous(start, length), prefix);
            for (int r = 0; r < place.length; r++) place[r] = (long) objective.rowSample[r] * longest + objective.rowOffset[r];
        }
        boolean inOrder = place.length == (long) chunk.batch() * chunk.width();
        for (int r = 0; r < place.length && inOrder; r++) inOrder = place[r] == r;
        rows = inOrder ? null : model.manager().create(place);
    }

    /**
     * Whether the steps run the samples packed side by side in one row rather than stacked one per
     * row. Packed has no padding, but each position is multiplied against every sample's prefix
     * keys (the mask then discards the others'); stacked pads every sample to the most answer
     * positions and each prefix to the longest. With short prompts packed costs less, with long
     * ones (k-shot) stacked can; this compares the multiply-adds of one layer.
     */
    public static boolean packs(ModelConfig c, List<Example> examples) {
        int rows = 0, longest = 0, prefixes = 0, longestPrefix = 0;
        for (Example e : examples) {
            rows += e.changedPositions();
            longest = Math.max(longest, e.changedPositions());
            prefixes += e.lastPromptPosition();
            longestPrefix = Math.max(longestPrefix, e.lastPromptPosition());
        }
        double dense = c.hiddenSize() * (2.0 * c.qDim() + 2.0 * c.kvDim()) + 3.0 * c.hiddenSize() * c.intermediateSize();
        double perKey = 2.0 * c.qDim();
        double packed = rows * (dense + perKey * (prefixes + rows));
        double stacked = (double) examples.size() * longest * (dense + perKey * (longestPrefix + longest));
        return packed <= stacked;
    }

    private NDArray embed(long[] ids, Chunk chunk) {
        return model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
    }

    /** x, [1, k, hidden], padded with zero positions to [1, width, hidden]. */
    private static NDArray padded(NDArray x, int width) {
        long have = x.getShape().get(1);
        if (have == width) return x;
        return x.concat(x.getManager().zeros(new Shape(1, width - have, x.getShape().get(2)), x.getDataType()), 1);
    }

    private static NDArray keep(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    @Override
    public NDArray loss(NDArray delta) {
        NDArray d = Tensors.cast(delta, atLast.getDataType());
        NDArray x = site == Site.HEADS ? model.finishLayer(layer, atLast, heads.add(d), null, null) : atLast.add(d);
        if (answers != null) x = x.concat(answers, 1);
        if (layer + 1 < model.config().numLayers()) x = model.forward(x, layer + 1, chunk, prefix, null).hidden();
        long[] shape = x.getShape().getShape();
        NDArray flat = x.reshape(shape[0] * shape[1], shape[2]);
        return objective.loss(model.logits(rows == null ? flat : flat.get(rows)));
    }

    /** [batch, width] of the positions each step runs through the layers: the changed positions, packed or stacked. */
    public int[] shape() {
        return new int[] {chunk.batch(), chunk.width()};
    }

    @Override
    public void close() {
        prefix.close();
        atLast.close();
        if (heads != null) heads.close();
        if (answers != null) answers.close();
        chunk.close();
        if (rows != null) rows.close();
    }
}
