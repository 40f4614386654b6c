package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.Chunk;
import laai.model.KvCache;
import laai.model.Llama;
import laai.model.Positions;
import laai.model.RecordActivations;
import laai.model.Tensors;
import laai.model.Site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objective recomputed only where Δ can change anything. Δ acts at the last prompt token T at
 * layer ℓ, so under the causal mask positions before T never change, and nothing below ℓ does, nor
 * anything in layer ℓ before the addition. One clean pass per sample caches the keys and values of
 * positions before T for layers above ℓ, and, at T and the teacher-forced answer positions, the
 * hidden states entering layer ℓ and the heads output there (for the residual site: the hidden
 * states leaving layer ℓ). Every step then adds Δ, finishes layer ℓ, and runs only those few
 * positions through the layers above, batched over the samples, against the cached keys.
 */
public final class FastPath implements LossPath {
    private final Llama model;
    private final Objective objective;
    private final int layer;
    private final Site site;
    private final KvCache prefix;   // [N, kv heads, longest prefix, d] per layer > ℓ
    private final NDArray entering; // [N, width, hidden]: entering layer ℓ (heads site) or leaving it (residual)
    private final NDArray heads;    // [N, width, heads·d]: layer ℓ's clean o_proj input (heads site only)
    private final Chunk chunk;
    private final NDArray rows;     // flat indices (sample · width + offset) of the rows the loss reads
    private final NDArray lastPrompt; // [N, width, 1]: 1 at each sample's last prompt token

    public FastPath(Llama model, Objective objective, int layer, Site site) {
        if (layer < 0 || layer >= model.config().numLayers()) {
            throw new IllegalArgumentException("layer " + layer + " out of range 0.." + (model.config().numLayers() - 1));
        }
        this.model = model;
        this.objective = objective;
        this.layer = layer;
        this.site = site;
        List<Example> examples = objective.examples();
        int n = examples.size();
        int width = examples.stream().mapToInt(Example::changedPositions).max().orElseThrow();
        int[][] positions = new int[n][width];
        int[] last = new int[n];
        try (NDScope scope = new NDScope()) {
            List<KvCache> caches = new ArrayList<>();
            NDArray[] inputs = new NDArray[n];
            NDArray[] headOutputs = new NDArray[n];
            for (int i = 0; i < n; i++) {
                Example e = examples.get(i);
                long[] ids = e.teacherForced();
                int t = e.lastPromptPosition();
                int changed = e.changedPositions();
                last[i] = t;
                KvCache cache;
                if (t > 0) {
                    Chunk before = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {t}), null);
                    cache = model.forward(embed(Arrays.copyOf(ids, t), before), 0, before, null, null).cache();
                } else {
                    cache = KvCache.empty(model);
                }
                Arrays.fill(positions[i], -1);
                for (int j = 0; j < changed; j++) positions[i][j] = t + j;
                Chunk own = model.chunk(new int[][] {Arrays.copyOf(positions[i], changed)}, cache);
                NDArray x = model.forward(embed(Arrays.copyOfRange(ids, t, t + changed), own), 0, layer, own, cache, null).hidden();
                RecordActivations record = new RecordActivations(layer, Site.HEADS);
                NDArray after = model.forward(x, layer, layer + 1, own, cache, record).hidden();
                inputs[i] = padded(site == Site.HEADS ? x : after, width);
                headOutputs[i] = padded(record.recorded().get(0), width);
                caches.add(cache.dropBelow(layer + 1));
            }
            prefix = KvCache.stack(caches).keep();
            entering = NDArrays.concat(new NDList(inputs), 0);
            heads = NDArrays.concat(new NDList(headOutputs), 0);
            NDScope.unregister(entering);
            NDScope.unregister(heads);
            for (NDArray h : headOutputs) h.close(); // recorded arrays outlive the scope by design
        }
        chunk = model.chunk(positions, prefix);
        long[] flat = new long[objective.rowSample.length];
        for (int r = 0; r < flat.length; r++) flat[r] = (long) objective.rowSample[r] * width + objective.rowOffset[r];
        NDManager m = model.manager();
        rows = m.create(flat);
        try (NDScope scope = new NDScope()) {
            lastPrompt = Positions.exactly(last).mask(chunk, entering);
            NDScope.unregister(lastPrompt);
        }
    }

    private NDArray embed(long[] ids, Chunk chunk) {
        return model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
    }

    private static NDArray padded(NDArray x, int width) {
        long have = x.getShape().get(1);
        if (have == width) return x;
        return x.concat(x.getManager().zeros(new Shape(1, width - have, x.getShape().get(2)), x.getDataType()), 1);
    }

    @Override
    public NDArray loss(NDArray delta) {
        NDArray added = lastPrompt.mul(Tensors.cast(delta, entering.getDataType()));
        NDArray x = site == Site.HEADS
                ? model.finishLayer(layer, entering, heads.add(added), chunk, null)
                : entering.add(added);
        if (layer + 1 < model.config().numLayers()) x = model.forward(x, layer + 1, chunk, prefix, null).hidden();
        long[] shape = x.getShape().getShape();
        NDArray selected = x.reshape(shape[0] * shape[1], shape[2]).get(rows);
        return objective.loss(model.logits(selected));
    }

    @Override
    public void close() {
        prefix.close();
        entering.close();
        heads.close();
        chunk.close();
        rows.close();
        lastPrompt.close();
    }
}
