package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of positions already computed, per layer: [batch, kv heads, slots, head size].
 * Slots need not be contiguous positions: a batch of sequences of different lengths leaves empty
 * slots (position -1), which the attention mask hides. Layers that were not run hold nothing.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int[][] slotPositions; // [batch][slots], -1 = empty

    KvCache(int layers, int[][] slotPositions) {
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.slotPositions = slotPositions;
    }

    public int batch() {
        return slotPositions.length;
    }

    public int slots() {
        return slotPositions.length == 0 ? 0 : slotPositions[0].length;
    }

    /** Absolute position stored in each slot, -1 for an empty slot. */
    public int[][] slotPositions() {
        return slotPositions;
    }

    public boolean has(int layer) {
        return keys[layer] != null;
    }

    public NDArray keys(int layer) {
        return keys[layer];
    }

    public NDArray values(int layer) {
        return values[layer];
    }

    void put(int layer, NDArray k, NDArray v) {
        keys[layer] = k;
        values[layer] = v;
    }

    /** The number of layers this cache can hold (all of the model's). */
    public int layers() {
        return keys.length;
    }

    /** Closes the layers below {@code layer}: the intervention engine never reads them. */
    public KvCache dropBelow(int layer) {
        for (int l = 0; l < layer; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
            }
        }
        return this;
    }

    /** A cache of one sequence with no positions yet: zero slots in every layer. */
    public static KvCache empty(Llama model) {
        ModelConfig c = model.config();
        KvCache cache = new KvCache(c.numLayers(), new int[1][0]);
        ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(1, c.numKvHeads(), 0, c.headDim());
        for (int l = 0; l < c.numLayers(); l++) {
            cache.put(l, model.manager().zeros(shape, model.dtype()), model.manager().zeros(shape, model.dtype()));
        }
        return cache;
    }

    /** Keeps this cache's arrays alive past the innermost {@link NDScope}. */
    public KvCache keep() {
        for (NDArray a : arrays()) NDScope.unregister(a);
        return this;
    }

    private List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>();
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                all.add(keys[l]);
                all.add(values[l]);
            }
        }
        return all;
    }

    /**
     * Stacks single-sequence caches into one batch, padding shorter ones with empty slots at the
     * end (zeros, masked). Used to batch the per-sample prefix caches of the intervention engine.
     */
    public static KvCache stack(List<KvCache> caches) {
        int layers = caches.get(0).layers();
        int width = caches.stream().mapToInt(KvCache::slots).max().orElse(0);
        int[][] slots = new int[caches.size()][];
        for (int b = 0; b < caches.size(); b++) {
            KvCache c = caches.get(b);
            if (c.batch() != 1) throw new IllegalArgumentException("stack takes single-sequence caches");
            slots[b] = Arrays.copyOf(c.slotPositions[0], width);
            Arrays.fill(slots[b], c.slots(), width, -1);
        }
        KvCache out = new KvCache(layers, slots);
        for (int l = 0; l < layers; l++) {
            if (!caches.get(0).has(l)) continue;
            NDArray[] k = new NDArray[caches.size()];
            NDArray[] v = new NDArray[caches.size()];
            for (int b = 0; b < caches.size(); b++) {
                k[b] = padSlots(caches.get(b).keys(l), width);
                v[b] = padSlots(caches.get(b).values(l), width);
            }
            out.put(l, ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(k), 0),
                    ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(v), 0));
        }
        return out;
    }

    private static NDArray padSlots(NDArray x, int width) {
        long have = x.getShape().get(2);
        if (have == width) return x;
        ai.djl.ndarray.types.Shape s = x.getShape();
        NDArray pad = x.getManager().zeros(new ai.djl.ndarray.types.Shape(s.get(0), s.get(1), width - have, s.get(3)),
                x.getDataType());
        return x.concat(pad, 2);
    }

    @Override
    public void close() {
        for (NDArray a : arrays()) a.close();
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
    }
}
