package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.AddVector;
import laai.model.Chunk;
import laai.model.KvCache;
import laai.model.Llama;
import laai.model.Positions;
import laai.model.Site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objective recomputed only where Δ can change anything. Δ acts at the last prompt token T at
 * layer ℓ, so under the causal mask positions before T never change, and nothing below ℓ does.
 * One clean pass per sample caches the keys and values of positions before T for layers ≥ ℓ and
 * the hidden states entering layer ℓ at T and the teacher-forced answer positions; every step then
 * runs only those few positions from ℓ up, batched over the samples, against the cached keys.
 */
public final class FastPath implements LossPath {
    private final Llama model;
    private final Objective objective;
    private final int layer;
    private final Site site;
    private final KvCache prefix;   // [N, kv heads, longest prefix, d] per layer ≥ ℓ
    private final NDArray entering; // [N, width, hidden]: hidden states entering layer ℓ
    private final Chunk chunk;
    private final NDArray rows;     // flat indices (sample · width + offset) of the rows the loss reads
    private final Positions lastPrompt;

    public FastPath(Llama model, Objective objective, int layer, Site site) {
        this.model = model;
        this.objective = objective;
        this.layer = layer;
        this.site = site;
        List<Example> examples = objective.examples();
        int n = examples.size();
        int width = examples.stream().mapToInt(Example::changedPositions).max().orElseThrow();
        int hidden = model.config().hiddenSize();
        int[][] positions = new int[n][width];
        int[] last = new int[n];
        NDManager m = model.manager();
        try (NDScope scope = new NDScope()) {
            List<KvCache> caches = new ArrayList<>();
            NDArray[] inputs = new NDArray[n];
            for (int i = 0; i < n; i++) {
                Example e = examples.get(i);
                long[] ids = e.teacherForced();
                int t = e.lastPromptPosition();
                int changed = e.changedPositions();
                last[i] = t;
                KvCache cache;
                if (t > 0) {
                    Chunk before = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {t}), null);
                    cache = model.forward(embed(Arrays.copyOf(ids, t)), 0, before, null, null).cache();
                } else {
                    cache = KvCache.empty(model);
                }
                Arrays.fill(positions[i], -1);
                for (int j = 0; j < changed; j++) positions[i][j] = t + j;
                NDArray x = embed(Arrays.copyOfRange(ids, t, t + changed));
                if (layer > 0) {
                    Chunk own = model.chunk(new int[][] {Arrays.copyOf(positions[i], changed)}, cache);
                    x = model.forward(x, 0, layer, own, cache, null).hidden();
                }
                if (changed < width) x = x.concat(m.zeros(new Shape(1, width - changed, hidden), x.getDataType()), 1);
                inputs[i] = x;
                caches.add(cache.dropBelow(layer));
            }
            prefix = KvCache.stack(caches).keep();
            entering = NDArrays.concat(new NDList(inputs), 0);
            NDScope.unregister(entering);
        }
        chunk = model.chunk(positions, prefix);
        long[] flat = new long[objective.rowSample.length];
        for (int r = 0; r < flat.length; r++) flat[r] = (long) objective.rowSample[r] * width + objective.rowOffset[r];
        rows = m.create(flat);
        lastPrompt = Positions.exactly(last);
    }

    private NDArray embed(long[] ids) {
        return model.embed(model.manager().create(ids, new Shape(1, ids.length)));
    }

    @Override
    public NDArray loss(NDArray delta) {
        AddVector hook = new AddVector(layer, site, delta, lastPrompt);
        NDArray out = model.forward(entering, layer, chunk, prefix, hook).hidden();
        long[] shape = out.getShape().getShape();
        NDArray selected = out.reshape(shape[0] * shape[1], shape[2]).get(rows);
        return objective.loss(model.logits(selected));
    }

    @Override
    public void close() {
        prefix.close();
        entering.close();
        chunk.close();
        rows.close();
    }
}
